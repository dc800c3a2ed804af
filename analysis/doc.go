// Package analysis is the one reading of a vmt script that `vmt lint`, the
// language server and `vmt run`'s check before booting share: parsing
// (with broken lines repaired so one mistake does not hide the rest), the
// globals a script sees, the facts about its machines and VLANs, type
// inference (into the script's own functions), the binding of call
// arguments to the symbol table's parameters with one set of messages, and
// the checks whose findings are errors. `vmt run` refuses a script exactly
// when Errors reports something, and lint reports the same findings in the
// same words; lint adds its warnings on top.
package analysis
