import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot, startEditor, waitUntil, type Editor, type ProblemEntry } from './harness';

// Real editor: a VS Code task running `kvmnet lint` with the extension's "$kvmnet" problem matcher fills the
// Problems panel from the CLI's text output (FILE:LINE:COL: SEVERITY CODE MESSAGE), relative paths included.

const Q = 'qemu-system-x86_64';
const files: Record<string, string> = {
  // An error (malformed MAC, line 3) and a warning (legacy -net, line 4); the task names the file relative.
  'lab/vm.sh': `#!/bin/sh\n${Q} -m 256 -netdev user,id=n0 \\\n  -device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:5 \\\n  -net nic,model=virtio -net user\n`,
  '.vscode/tasks.json': JSON.stringify(
    {
      version: '2.0.0',
      tasks: [
        {
          label: 'kvmnet lint workspace',
          type: 'process',
          command: process.execPath,
          args: [path.join(repoRoot, 'dist/cli.js'), 'lint', 'lab/vm.sh'],
          problemMatcher: '$kvmnet',
        },
      ],
    },
    null,
    2,
  ),
};

let ed: Editor;
before(async () => {
  ed = await startEditor({ name: 'lint-task', workspaceFiles: files, examples: false });
});
after(async () => {
  await ed?.close();
});

test('the $kvmnet problem matcher turns kvmnet lint output in a task into Problems entries', async () => {
  // Quick open's "task " prefix lists the workspace's tasks by label.
  await ed.page.keyboard.press('Control+P');
  const input = ed.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill('task kvmnet lint workspace');
  const row = ed.page.locator('.quick-input-list .monaco-list-row', { hasText: 'kvmnet lint workspace' });
  await row.first().waitFor();
  await row.first().click();
  let fromTask: ProblemEntry[] = [];
  await waitUntil(async () => {
    fromTask = (await ed.readDiagnostics()).filter((p) => p.source.includes('kvmnet lint'));
    return fromTask.some((p) => /qemu-mac-malformed/.test(p.code)) && fromTask.some((p) => /qemu-legacy-net/.test(p.code));
  }, 'the task problems from the $kvmnet matcher');
  // What the CLI prints for the file, severity by severity, is what the panel shows.
  // (exit 1: the file has an error finding)
  const cli = JSON.parse(spawnSync(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'lint', '--format', 'json', 'lab/vm.sh'], { cwd: ed.workspace, encoding: 'utf8' }).stdout) as { line: number; column: number; severity: string; code: string }[];
  const shown = (p: ProblemEntry) => `${p.line}:${p.column} ${p.severity} ${p.code}`;
  const expected = cli.map((f) => `${f.line}:${f.column} ${f.severity === 'hint' ? 'info' : f.severity} ${f.code}`);
  assert.deepEqual(fromTask.map(shown).sort(), expected.sort());
  assert.ok(fromTask.every((p) => p.file === 'vm.sh'));
  const mac = fromTask.find((p) => /qemu-mac-malformed/.test(p.code))!;
  assert.equal(mac.severity, 'error');
  assert.equal(mac.line, 3);
  await ed.screenshot('lint-task-problems');
});
