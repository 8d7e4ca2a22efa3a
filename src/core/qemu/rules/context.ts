import { Reporter } from '../../rulekit';
import { LineIndex } from '../../text';
import { QemuCode } from '../codes';

/** What a launch-script rule gets: the script's text and a sink for findings (source 'kvmnet-qemu'). */
export class RuleContext extends Reporter<typeof QemuCode> {
  constructor(text: string) {
    super(QemuCode, 'kvmnet-qemu', new LineIndex(text));
  }
}
