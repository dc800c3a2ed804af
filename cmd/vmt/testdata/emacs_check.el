;;; emacs_check.el --- driven by lsp_emacs_test.go  -*- lexical-binding: t; -*-
;; Emacs with editors/emacs on its load-path opens a script with vmt-mode and
;; eglot, and records what the user would see from `vmt lsp' into a JSON
;; file.  Settings come from the environment: VMT_EDITORS_EMACS, VMT_BIN,
;; VMT_SCRIPT and VMT_OUT.
(require 'json)
(add-to-list 'load-path (getenv "VMT_EDITORS_EMACS"))
(require 'vmt-mode)
(require 'eglot)

(defvar check-report nil)
(defvar check-errors nil)

(defun check-position-after (text)
  "The LSP position just after the first TEXT in the buffer."
  (save-excursion
    (goto-char (point-min))
    (if (search-forward text nil t)
        (eglot--pos-to-lsp-position (point))
      (push (format "text not found: %s" text) check-errors)
      (eglot--pos-to-lsp-position (point-min)))))

(defun check-request (method position)
  (jsonrpc-request (eglot-current-server) method
                   (list :textDocument (eglot--TextDocumentIdentifier) :position position)))

(condition-case err
    (progn
      (setq vmt-lsp-command (list (getenv "VMT_BIN") "lsp"))
      (find-file (getenv "VMT_SCRIPT"))
      (push (cons 'mode (symbol-name major-mode)) check-report)
      (apply #'eglot (eglot--guess-contact))
      (let ((server (eglot-current-server)))
        (unless server (error "eglot did not connect to vmt lsp"))
        (push (cons 'server (car (process-command (jsonrpc--process server)))) check-report))
      (let* ((result (check-request :textDocument/completion (check-position-after "machine.")))
             (items (if (vectorp result) result (plist-get result :items))))
        (push (cons 'completion (vconcat (mapcar (lambda (item) (plist-get item :label)) items)))
              check-report))
      (let ((hover (check-request :textDocument/hover (check-position-after "server.succ"))))
        (push (cons 'hover (or (plist-get (plist-get hover :contents) :value) "")) check-report))
      ;; Diagnostics arrive as a notification after the server linted.
      (with-timeout (10 (push "no diagnostics within 10 s" check-errors))
        (while (null (flymake-diagnostics))
          (accept-process-output nil 0.05)))
      (push (cons 'diagnostics
                  (vconcat (mapcar (lambda (d) (line-number-at-pos (flymake-diagnostic-beg d)))
                                   (flymake-diagnostics))))
            check-report)
      (eglot-shutdown (eglot-current-server)))
  (error (push (error-message-string err) check-errors)))

(push (cons 'errors (vconcat check-errors)) check-report)
(with-temp-file (getenv "VMT_OUT")
  (insert (json-encode check-report)))
