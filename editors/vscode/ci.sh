#!/usr/bin/env bash
# Builds the VS Code extension from its lock file, type-checks and compiles
# it, runs the grammar tests on the sample scripts and packages it as
# editors/vscode/vmt.vsix. Needs node 20 or later and npm.
set -euo pipefail
cd "$(dirname "$0")"

npm ci --no-audit --no-fund
npx tsc -p .
npm run test:grammar
npm run package
echo "editors/vscode: built, grammar tests passed, packaged vmt.vsix"
