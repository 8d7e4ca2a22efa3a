// Minimal typings for the parts of mvdan-sh (GopherJS build of mvdan.cc/sh/v3/syntax) this project uses.
// Positions are UTF-8 byte offsets into the parsed source.
declare module 'mvdan-sh' {
  export namespace syntax {
    interface Pos {
      Offset(): number;
      Line(): number;
      Col(): number;
    }
    interface Node {
      Pos(): Pos;
      End(): Pos;
    }
    interface Lit extends Node {
      Value: string;
      ValuePos: Pos;
    }
    interface WordPart extends Node {
      /** Lit: raw text with escapes; SglQuoted: the quoted text. */
      Value?: string;
      /** SglQuoted/DblQuoted: `$'…'` / `$"…"`. */
      Dollar?: boolean;
      /** DblQuoted: the parts inside the quotes. */
      Parts?: WordPart[];
      /** ParamExp: $NAME / ${NAME…}. */
      Param?: Lit;
      Short?: boolean;
      Index?: Node | null;
      Length?: boolean;
      Excl?: boolean;
      Slice?: unknown;
      Repl?: unknown;
      Exp?: unknown;
    }
    interface Word extends Node {
      Parts: WordPart[];
    }
    interface Assign extends Node {
      Append: boolean;
      Name: Lit | null;
      Value: Word | null;
      Array: { Elems: { Value: Word | null }[]; Lparen: Pos; Rparen: Pos } | null;
    }
    interface Redirect extends Node {
      N: Lit | null;
      Word: Word | null;
      Op: number;
      OpPos: Pos;
    }
    interface CallExpr extends Node {
      Assigns: Assign[];
      Args: Word[];
    }
    interface Stmt extends Node {
      Cmd: Node | null;
      Redirs: Redirect[];
      /** Comments attached to the statement (with KeepComments): before it and trailing on its line. */
      Comments: Comment[] | null;
    }
    interface Comment extends Node {
      Text: string;
    }
    interface File extends Node {
      Stmts: Stmt[];
    }
    interface Parser {
      Parse(src: string, name: string): File;
    }
    type ParserOption = { readonly __parserOption: unique symbol };
    function NewParser(...options: ParserOption[]): Parser;
    function KeepComments(on: boolean): ParserOption;
    function NodeType(node: unknown): string;
    function Walk(node: Node, visit: (node: Node | null) => boolean): void;
  }
  const sh: { syntax: typeof syntax };
  export default sh;
}
