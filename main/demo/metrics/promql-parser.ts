import {
  AGGREGATE_OPS,
  type AggregateOp,
  type BinaryOp,
  COMPARISON_OPS,
  type Expr,
  FUNCTIONS,
  KNOWN_UNSUPPORTED,
  type LabelMatcher,
  type MatchOp,
  PromQLError,
  SET_OPS,
  type ValueType,
  type VectorMatching,
} from './promql-ast.ts';

import { fail, lex, type Token } from './promql-lexer.ts';

export { parseDuration } from './promql-lexer.ts';

/** Binding power of binary operators, lowest first, as in Prometheus. */
function precedence(op: string): number {
  if (op === 'or') return 1;
  if (op === 'and' || op === 'unless') return 2;
  if (COMPARISON_OPS.includes(op)) return 3;
  if (op === '+' || op === '-') return 4;
  if (op === '*' || op === '/' || op === '%') return 5;
  if (op === '^') return 6;
  return 0;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.at + offset, this.tokens.length - 1)] as Token;
  }
  private next(): Token {
    return this.tokens[this.at++] ?? (this.tokens[this.tokens.length - 1] as Token);
  }
  private isOp(text: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'op' && t.text === text;
  }
  private expectOp(text: string, context: string): Token {
    const t = this.next();
    if (t.kind !== 'op' || t.text !== text)
      fail(t.pos, `unexpected ${describeToken(t)} ${context}, expected "${text}"`);
    return t;
  }

  parseRoot(): Expr {
    const expr = this.parseExpr(1);
    const t = this.peek();
    if (t.kind !== 'eof') fail(t.pos, `unexpected ${describeToken(t)}`);
    return expr;
  }

  private binaryOpAhead(): string | undefined {
    const t = this.peek();
    if (t.kind === 'op' && precedence(t.text) > 0) return t.text;
    if (t.kind === 'ident' && SET_OPS.includes(t.text)) return t.text;
    return undefined;
  }

  private parseExpr(minPrec: number): Expr {
    let lhs = this.parseUnary();
    for (;;) {
      const op = this.binaryOpAhead();
      if (!op || precedence(op) < minPrec) return lhs;
      const opToken = this.next();
      let returnBool = false;
      if (this.peek().kind === 'ident' && this.peek().text === 'bool') {
        if (!COMPARISON_OPS.includes(op))
          fail(this.peek().pos, 'bool modifier can only be used on comparison operators');
        this.next();
        returnBool = true;
      }
      let matching: VectorMatching | undefined;
      const mod = this.peek();
      if (mod.kind === 'ident' && (mod.text === 'on' || mod.text === 'ignoring')) {
        this.next();
        matching = { on: mod.text === 'on', labels: this.parseLabelList() };
        const g = this.peek();
        if (g.kind === 'ident' && (g.text === 'group_left' || g.text === 'group_right')) {
          fail(g.pos, `${g.text} (many-to-one matching) is not supported by the demo Prometheus`);
        }
      }
      // '^' is right-associative; everything else binds left.
      const rhs = this.parseExpr(op === '^' ? precedence(op) : precedence(op) + 1);
      lhs = {
        type: 'binary',
        op: op as BinaryOp,
        lhs,
        rhs,
        returnBool,
        ...(matching ? { matching } : {}),
        pos: opToken.pos,
      };
      checkBinary(lhs);
    }
  }

  private parseUnary(): Expr {
    if (this.isOp('-') || this.isOp('+')) {
      const op = this.next().text as '-' | '+';
      const expr = this.parseUnary();
      // Number literals fold so that `-1` stays a number.
      if (expr.type === 'number') return { type: 'number', value: op === '-' ? -expr.value : expr.value };
      return { type: 'unary', op, expr };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(expr: Expr): Expr {
    let e = expr;
    if (this.isOp('[')) {
      const open = this.next();
      const d = this.next();
      if (d.kind !== 'duration' || !d.value)
        fail(d.pos, `bad duration in range selector: ${describeToken(d)}`);
      const colon = this.peek();
      if (this.isOp(':') || (colon.kind === 'ident' && colon.text.startsWith(':'))) {
        fail(colon.pos, 'subqueries are not supported by the demo Prometheus');
      }
      this.expectOp(']', 'in range selector');
      if (e.type !== 'selector') fail(open.pos, 'ranges only allowed for vector selectors');
      if (e.rangeMs !== undefined) fail(open.pos, 'duplicate range selector');
      e = { ...e, rangeMs: d.value };
    }
    const t = this.peek();
    if (t.kind === 'ident' && t.text === 'offset') {
      this.next();
      let sign = 1;
      if (this.isOp('-')) {
        this.next();
        sign = -1;
      }
      const d = this.next();
      if (d.kind !== 'duration' || d.value === undefined)
        fail(d.pos, `bad offset duration: ${describeToken(d)}`);
      if (e.type !== 'selector')
        fail(t.pos, 'offset modifier must be preceded by a vector or range selector');
      e = { ...e, offsetMs: sign * d.value };
    }
    return e;
  }

  private parsePrimary(): Expr {
    const t = this.next();
    if (t.kind === 'number') return { type: 'number', value: t.value as number };
    if (t.kind === 'string') return { type: 'string', value: t.text };
    if (t.kind === 'op' && t.text === '(') {
      const expr = this.parseExpr(1);
      this.expectOp(')', 'in parenthesized expression');
      return { type: 'paren', expr };
    }
    if (t.kind === 'op' && t.text === '{') return this.parseSelector(undefined, t.pos);
    if (t.kind !== 'ident') fail(t.pos, `unexpected ${describeToken(t)}`);
    const name = t.text;
    const lower = name.toLowerCase();
    if (lower === 'inf' || lower === 'nan')
      return { type: 'number', value: lower === 'inf' ? Number.POSITIVE_INFINITY : Number.NaN };
    if (
      AGGREGATE_OPS.includes(name) &&
      (this.isOp('(') || this.peekIdent('by') || this.peekIdent('without'))
    ) {
      return this.parseAggregate(name as AggregateOp, t.pos);
    }
    if (this.isOp('(')) {
      if (KNOWN_UNSUPPORTED.has(name))
        fail(t.pos, `function "${name}" is not supported by the demo Prometheus`);
      if (!FUNCTIONS[name]) fail(t.pos, `unknown function with name "${name}"`);
      return this.parseCall(name, t.pos);
    }
    if (this.isOp('{')) {
      this.next();
      return this.parseSelector(name, t.pos);
    }
    return {
      type: 'selector',
      matchers: [{ name: '__name__', op: '=', value: name }],
      offsetMs: 0,
      pos: t.pos,
    };
  }

  private peekIdent(text: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text === text;
  }

  private parseLabelList(): string[] {
    this.expectOp('(', 'in grouping opts');
    const labels: string[] = [];
    while (!this.isOp(')')) {
      const t = this.next();
      if (t.kind !== 'ident') fail(t.pos, `unexpected ${describeToken(t)} in grouping opts, expected label`);
      labels.push(t.text);
      if (!this.isOp(')')) this.expectOp(',', 'in grouping opts');
    }
    this.next();
    return labels;
  }

  private parseAggregate(op: AggregateOp, pos: number): Expr {
    let grouping: string[] = [];
    let without = false;
    let modifierSeen = false;
    const modifier = () => {
      const t = this.peek();
      if (t.kind === 'ident' && (t.text === 'by' || t.text === 'without')) {
        this.next();
        without = t.text === 'without';
        grouping = this.parseLabelList();
        modifierSeen = true;
      }
    };
    modifier();
    this.expectOp('(', `in aggregation "${op}"`);
    const expr = this.parseExpr(1);
    if (this.isOp(',')) fail(this.peek().pos, `aggregation "${op}" takes one argument`);
    this.expectOp(')', `in aggregation "${op}"`);
    if (!modifierSeen) modifier();
    const type = typeOf(expr);
    if (type !== 'vector')
      fail(pos, `expected type instant vector in aggregation expression, got ${typeName(type)}`);
    return { type: 'aggregate', op, expr, grouping, without, pos };
  }

  private parseCall(func: string, pos: number): Expr {
    this.expectOp('(', `in call to ${func}`);
    const args: Expr[] = [];
    while (!this.isOp(')')) {
      args.push(this.parseExpr(1));
      if (!this.isOp(')')) this.expectOp(',', `in call to ${func}`);
    }
    this.next();
    const sig = FUNCTIONS[func] as (typeof FUNCTIONS)[string];
    const min = sig.args.length - (sig.optional ?? 0);
    if (args.length < min || args.length > sig.args.length) {
      fail(
        pos,
        `expected ${min === sig.args.length ? min : `${min} to ${sig.args.length}`} argument(s) in call to "${func}", got ${args.length}`,
      );
    }
    args.forEach((arg, i) => {
      const want = sig.args[i] as ValueType;
      const got = typeOf(arg);
      if (got !== want)
        fail(pos, `expected type ${typeName(want)} in call to function "${func}", got ${typeName(got)}`);
    });
    return { type: 'call', func, args, pos };
  }

  private parseSelector(name: string | undefined, pos: number): Expr {
    const matchers: LabelMatcher[] = name ? [{ name: '__name__', op: '=', value: name }] : [];
    while (!this.isOp('}')) {
      const label = this.next();
      if (label.kind !== 'ident')
        fail(label.pos, `unexpected ${describeToken(label)} in label matching, expected label`);
      const op = this.next();
      if (op.kind !== 'op' || !['=', '!=', '=~', '!~'].includes(op.text)) {
        fail(op.pos, `unexpected ${describeToken(op)} in label matching, expected label matching operator`);
      }
      const value = this.next();
      if (value.kind !== 'string')
        fail(value.pos, `unexpected ${describeToken(value)} in label matching, expected string`);
      matchers.push({ name: label.text, op: op.text as MatchOp, value: value.text });
      if (!this.isOp('}')) this.expectOp(',', 'in label matching');
    }
    this.next();
    if (!matchers.some((m) => !matchesEmpty(m))) {
      fail(pos, 'vector selector must contain at least one non-empty matcher');
    }
    return { type: 'selector', matchers, offsetMs: 0, pos };
  }
}

/** Whether a matcher also matches the empty string (Prometheus rejects selectors made only of such). */
function matchesEmpty(m: LabelMatcher): boolean {
  if (m.op === '=') return m.value === '';
  if (m.op === '!=') return m.value !== '';
  // Approximation good enough for the check: a regex that can be empty.
  try {
    const matches = new RegExp(`^(?:${m.value})$`).test('');
    return m.op === '=~' ? matches : !matches;
  } catch {
    return false;
  }
}

function describeToken(t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  if (t.kind === 'string') return `string "${t.text}"`;
  if (t.kind === 'ident') return `identifier "${t.text}"`;
  if (t.kind === 'number' || t.kind === 'duration') return `${t.kind} "${t.text}"`;
  return `character "${t.text}"`;
}

function typeName(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

export function typeOf(e: Expr): ValueType {
  switch (e.type) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'selector':
      return e.rangeMs === undefined ? 'vector' : 'matrix';
    case 'call':
      return (FUNCTIONS[e.func] as (typeof FUNCTIONS)[string]).returns;
    case 'aggregate':
      return 'vector';
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary':
    case 'paren':
      return typeOf(e.expr);
  }
}

function checkBinary(e: Extract<Expr, { type: 'binary' }>): void {
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  for (const t of [lt, rt]) {
    if (t !== 'scalar' && t !== 'vector')
      fail(e.pos, `binary expression must contain only scalar and instant vector types`);
  }
  if (SET_OPS.includes(e.op) && (lt === 'scalar' || rt === 'scalar'))
    fail(e.pos, `set operator "${e.op}" not allowed in binary scalar expression`);
  if (COMPARISON_OPS.includes(e.op) && lt === 'scalar' && rt === 'scalar' && !e.returnBool) {
    fail(e.pos, 'comparisons between scalars must use BOOL modifier');
  }
  if (e.matching && (lt === 'scalar' || rt === 'scalar'))
    fail(e.pos, 'vector matching only allowed between instant vectors');
}

/** Parses the PromQL subset; throws PromQLError with a Prometheus-style message on anything else. */
export function parsePromQL(input: string): Expr {
  if (input.trim() === '') throw new PromQLError('1:1: parse error: no expression found in input');
  return new Parser(lex(input)).parseRoot();
}
