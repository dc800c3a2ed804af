;;; vmt-mode.el --- Major mode and eglot entry for vmt test scripts  -*- lexical-binding: t; -*-

;; Keywords: languages, tools
;; Package-Requires: ((emacs "27.1"))

;;; Commentary:

;; vmt test scripts (*.star) are Starlark, a subset of Python: `vmt-mode'
;; derives from `python-mode' for highlighting and indentation, and
;; registers `vmt lsp' with eglot for completion, documentation, signature
;; help and diagnostics.  Eglot sends the language id "vmt".
;;
;;   (add-to-list 'load-path "/path/to/vmt/editors/emacs")
;;   (require 'vmt-mode)
;;   (add-hook 'vmt-mode-hook #'eglot-ensure)

;;; Code:

(require 'python)

(defgroup vmt nil
  "Editing vmt test scripts."
  :group 'languages
  :prefix "vmt-")

(defcustom vmt-lsp-command '("vmt" "lsp")
  "Command starting vmt's language server, for eglot.
Arguments may follow, e.g. (\"vmt\" \"lsp\" \"--machines\" \"server,client\")."
  :type '(repeat string)
  :group 'vmt)

(defvar vmt-font-lock-keywords
  '(("#\\s-*\\(vmt:\\).*$" 1 font-lock-preprocessor-face prepend))
  "The `# vmt: machines=a,b' directive, on top of Python's highlighting.")

;;;###autoload
(define-derived-mode vmt-mode python-mode "vmt"
  "Major mode for vmt test scripts, which are Starlark."
  (setq-local python-indent-offset 4)
  (setq-local python-indent-guess-indent-offset nil)
  ;; Python's own checkers would judge Starlark as Python; vmt lsp
  ;; reports the script's problems instead.
  (remove-hook 'flymake-diagnostic-functions #'python-flymake t)
  (font-lock-add-keywords nil vmt-font-lock-keywords))

;;;###autoload
(add-to-list 'auto-mode-alist '("\\.star\\'" . vmt-mode))

(with-eval-after-load 'eglot
  (defvar eglot-server-programs)
  (add-to-list 'eglot-server-programs
               `(vmt-mode . ,(lambda (&rest _) vmt-lsp-command))))

(provide 'vmt-mode)

;;; vmt-mode.el ends here
