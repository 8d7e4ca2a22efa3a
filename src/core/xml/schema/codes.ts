import { codeIds, defineCodes, type CodeId } from '../../rulekit';

/**
 * Diagnostic codes of the schema layer (libxml2 RelaxNG with libvirt's schemas, source 'kvmnet-schema'), with their
 * one-line docs. Kept next to the validator; the semantic rules have their own XmlCode in ../codes.ts.
 */
export const SCHEMA_CODES = defineCodes({
  /** One located error, no schema findings. */
  NotWellFormed: { id: 'xml-not-well-formed', doc: 'The text is not well-formed XML: one located parse error, no schema findings.' },
  /** On the attribute value. */
  InvalidValue: { id: 'schema-invalid-value', doc: "An attribute value libvirt's schema does not allow; the message says what is allowed." },
  /** On the attribute name. */
  UnknownAttribute: { id: 'schema-unknown-attribute', doc: "An attribute the element does not have in libvirt's schema." },
  UnexpectedElement: { id: 'schema-unexpected-element', doc: "An element libvirt's schema does not allow at this place." },
  /** On the element name. */
  MissingAttribute: { id: 'schema-missing-attribute', doc: 'A required attribute is missing.' },
  MissingElement: { id: 'schema-missing-element', doc: 'A required child element is missing.' },
  /** On the element libxml2 names. */
  Invalid: { id: 'schema-invalid', doc: "Any other violation of libvirt's RelaxNG schema, on the element libxml2 names." },
  /** Information only. */
  Unavailable: { id: 'schema-unavailable', doc: 'No usable libvirt schema set (bad setting, none installed or bundled): schema checks are off.' },
});

/** The ids alone, as the validator passes them around (`SchemaCode.Invalid === 'schema-invalid'`). */
export const SchemaCode = codeIds(SCHEMA_CODES);
export type SchemaCode = CodeId<typeof SCHEMA_CODES>;
