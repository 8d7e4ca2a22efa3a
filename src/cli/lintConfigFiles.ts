import { lstat } from 'node:fs/promises';
import path from 'node:path';
import { knownLintCodes } from '../core/rules';
import { CONFIG_FILE_NAME, ConfigError, MAX_CONFIG_BYTES, parseLintConfig, settingsFor, type LintConfig, type RuleSettings } from '../core/lintConfig/config';
import { InputError, readInputFile } from './inputFiles';

/**
 * Finds and reads the lint config for each linted file: `--config FILE` for all of them, else the nearest
 * `.kvmnetrc.json` walking up from the file's directory. Each directory is looked at once per run.
 * A config that is not a regular file under MAX_CONFIG_BYTES, or does not parse, is a ConfigError.
 */
export class LintConfigFiles {
  private readonly byDir = new Map<string, Promise<LintConfig | undefined>>();
  private readonly byFile = new Map<string, Promise<LintConfig>>();
  private readonly known = knownLintCodes();

  constructor(private readonly explicit?: string) {}

  /** The rule settings for `file` (absolute). */
  async settings(file: string): Promise<RuleSettings> {
    const config = this.explicit ? await this.load(this.explicit) : await this.nearest(path.dirname(file));
    if (!config) return {};
    return settingsFor(config, path.relative(path.dirname(config.file), file).split(path.sep).join('/'));
  }

  private nearest(dir: string): Promise<LintConfig | undefined> {
    let found = this.byDir.get(dir);
    if (!found) {
      found = this.lookIn(dir);
      this.byDir.set(dir, found);
    }
    return found;
  }

  private async lookIn(dir: string): Promise<LintConfig | undefined> {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    try {
      await lstat(candidate);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new ConfigError(candidate, 0, 0, (e as Error).message);
      const parent = path.dirname(dir);
      return parent === dir ? undefined : this.nearest(parent);
    }
    return this.load(candidate);
  }

  private load(file: string): Promise<LintConfig> {
    let loaded = this.byFile.get(file);
    if (!loaded) {
      loaded = (async () => {
        let text: string;
        try {
          text = await readInputFile(file, MAX_CONFIG_BYTES);
        } catch (e) {
          if (e instanceof InputError) throw new ConfigError(file, 0, 0, e.message);
          throw e;
        }
        return parseLintConfig(file, text, this.known);
      })();
      this.byFile.set(file, loaded);
    }
    return loaded;
  }
}
