// The vmt extension starts `vmt lsp` for vmt test scripts (language id
// "vmt", *.star files) and restarts it when its settings change.
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  context.subscriptions.push(
    vscode.commands.registerCommand("vmt.restartServer", restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("vmt.path") || event.affectsConfiguration("vmt.args")) {
        void restart();
      }
    }),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration("vmt");
  const command = config.get<string>("path", "vmt");
  const args = ["lsp", ...config.get<string[]>("args", [])];
  const serverOptions: ServerOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "vmt" },
      { scheme: "untitled", language: "vmt" },
    ],
  };
  client = new LanguageClient("vmt", "vmt", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    client = undefined;
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(
      `vmt: could not start "${command} ${args.join(" ")}": ${message}. ` +
        `Install vmt or set "vmt.path" to the vmt binary.`,
    );
  }
}

async function stop(): Promise<void> {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}
