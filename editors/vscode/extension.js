// Starts `campaign-lint server` for YAML files and lets VS Code show its
// diagnostics, code actions and hovers (docs/editors.md).
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("campaignLint").get("path", "campaign-lint");
  client = new LanguageClient(
    "campaignLint",
    "campaign-lint",
    { command, args: ["server"] },
    {
      documentSelector: [{ scheme: "file", language: "yaml" }],
      synchronize: {
        // The policy and the files it extends: the server reads them again when they change.
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{yaml,yml}"),
      },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
