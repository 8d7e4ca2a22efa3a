import { QemuCode } from './qemu/codes';
import { XmlCode } from './xml/codes';
import { SCHEMA_CODE_DOCS } from './xml/schema/codes';

/** One lint rule as users see it: the `code` of its findings, their `source`, and its one-line doc. */
export interface RuleDoc {
  readonly id: string;
  readonly source: 'kvmnet-schema' | 'kvmnet-xml' | 'kvmnet-qemu';
  readonly doc: string;
}

/** Every rule `lintText` can report, from the same code tables the checkers use (`kvmnet lint --list-rules`). */
export function allRules(): RuleDoc[] {
  return [
    ...Object.entries(SCHEMA_CODE_DOCS).map(([id, doc]) => ({ id, source: 'kvmnet-schema' as const, doc })),
    ...Object.values(XmlCode).map(({ id, doc }) => ({ id, source: 'kvmnet-xml' as const, doc })),
    ...Object.values(QemuCode).map(({ id, doc }) => ({ id, source: 'kvmnet-qemu' as const, doc })),
  ];
}
