import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

// The dependency rule of docs/adr/001-microkernel.md, checked through the real ESLint config.
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function lint(filePath: string, source: string): { code: number | null; out: string } {
  const r = spawnSync(
    process.execPath,
    [join(root, 'node_modules/eslint/bin/eslint.js'), '--stdin', '--stdin-filename', filePath],
    { cwd: root, input: source, encoding: 'utf8' },
  );
  return { code: r.status, out: r.stdout + r.stderr };
}

describe('import boundaries (eslint)', () => {
  it('refuses @nestjs in the kernel', () => {
    const r = lint(
      'libs/kernel/src/probe.ts',
      "import { Module } from '@nestjs/common';\nexport const m = Module;\n",
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('no-restricted-imports');
  });

  it('refuses TypeORM and socket.io in the kernel', () => {
    for (const pkg of ['typeorm', 'socket.io']) {
      const r = lint('libs/kernel/src/probe.ts', `import * as x from '${pkg}';\nexport const m = x;\n`);
      expect(r.code).toBe(1);
    }
  });

  it('refuses a plugin importing apps/', () => {
    const r = lint(
      'plugins/noop/src/probe.ts',
      "import { x } from '../../../apps/server/src/main.js';\nexport const y = x;\n",
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain('no-restricted-imports');
  });

  it('refuses a plugin reaching into libs/ by path instead of the package', () => {
    const r = lint(
      'plugins/noop/src/probe.ts',
      "import { x } from '../../../libs/kernel/src/index.js';\nexport const y = x;\n",
    );
    expect(r.code).toBe(1);
  });

  it('refuses any package import in contracts', () => {
    const r = lint('libs/contracts/src/probe.ts', "import Ajv from 'ajv';\nexport const a = Ajv;\n");
    expect(r.code).toBe(1);
  });

  it('refuses explicit any', () => {
    const r = lint('libs/kernel/src/probe.ts', 'export const f = (x: any): number => x;\n');
    expect(r.code).toBe(1);
    expect(r.out).toContain('no-explicit-any');
  });

  it('accepts a plugin importing the kernel and contracts packages', () => {
    const r = lint(
      'plugins/noop/src/probe.ts',
      "import { defineStepType } from '@nomaflow/kernel';\nimport type { Json } from '@nomaflow/contracts';\nexport const d = defineStepType;\nexport type J = Json;\n",
    );
    expect(r.out).toBe('');
    expect(r.code).toBe(0);
  });
});
