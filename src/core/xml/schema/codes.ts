/**
 * Diagnostic codes of the schema layer (libxml2 RelaxNG with libvirt's schemas). Kept next to
 * the validator; the semantic rules have their own XmlCode in ../codes.ts.
 */
export const SchemaCode = {
  /** The text is not well-formed XML: one located error, no schema findings. */
  NotWellFormed: 'xml-not-well-formed',
  /** An attribute value the schema does not allow (range on the value). */
  InvalidValue: 'schema-invalid-value',
  /** An attribute the element does not have in the schema (range on the name). */
  UnknownAttribute: 'schema-unknown-attribute',
  /** An element not allowed at this place. */
  UnexpectedElement: 'schema-unexpected-element',
  /** A required attribute is missing (range on the element name). */
  MissingAttribute: 'schema-missing-attribute',
  /** A required element is missing. */
  MissingElement: 'schema-missing-element',
  /** Any other schema violation, on the element libxml2 names. */
  Invalid: 'schema-invalid',
  /** No usable libvirt schema set (bad setting, no schemas installed or bundled): information only. */
  Unavailable: 'schema-unavailable',
} as const;

export type SchemaCode = (typeof SchemaCode)[keyof typeof SchemaCode];

/** One-line docs of the schema-layer codes (`kvmnet lint --list-rules`); typed so a new code needs its doc. */
export const SCHEMA_CODE_DOCS: Record<SchemaCode, string> = {
  [SchemaCode.NotWellFormed]: 'The text is not well-formed XML: one located parse error, no schema findings.',
  [SchemaCode.InvalidValue]: "An attribute value libvirt's schema does not allow; the message says what is allowed.",
  [SchemaCode.UnknownAttribute]: "An attribute the element does not have in libvirt's schema.",
  [SchemaCode.UnexpectedElement]: "An element libvirt's schema does not allow at this place.",
  [SchemaCode.MissingAttribute]: 'A required attribute is missing.',
  [SchemaCode.MissingElement]: 'A required child element is missing.',
  [SchemaCode.Invalid]: "Any other violation of libvirt's RelaxNG schema, on the element libxml2 names.",
  [SchemaCode.Unavailable]: 'No usable libvirt schema set (bad setting, none installed or bundled): schema checks are off.',
};
