/**
 * URI schemes of the extension's own documents, here so features can tell them apart without importing each other.
 * kvmnet-libvirt://HOST-HEX/KIND/UUID/NAME.xml is a stored libvirt definition (definitions/register.ts);
 * kvmnet-libvirt-base is a read-only copy of one, the left side of a save's diff: never linted (its findings would
 * show twice in Problems, once per side).
 */
export const DEFINITION_SCHEME = 'kvmnet-libvirt';
export const DEFINITION_BASE_SCHEME = 'kvmnet-libvirt-base';
