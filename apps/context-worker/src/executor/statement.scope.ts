import { parse, type Node, type Pattern, type Program } from 'acorn';

/** A statement made ready to run in the thread's REPL scope (see {@link rewriteStatement}). */
export interface RewrittenStatement {
  /** A script whose completion value is an async function taking {@link params}. */
  source: string;
  /** The scope names the function takes, in order: those no statement has declared itself. */
  params: string[];
  /** Names the statement declares at its top level (they persist into later statements). */
  declared: string[];
  /** Characters before the code on its first line (error columns on line 1 are off by this). */
  offset: number;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

type TopLevel = Program['body'][number];

/**
 * Rewrites a console statement the way node:repl treats top-level `await`: the code becomes the
 * body of an async function (so `await` works and the names in scope arrive as `params`), and its
 * top-level declarations (`const`, `let`, `var`, `function`, `class`), and the `var`s of its blocks
 * and loops (function-scoped in JavaScript), become `var`s of the thread's global scope, assigned
 * where they stood, so that later statements see them. The last expression statement is returned
 * (the statement's value). `const` loses its constness, and a declaration may be repeated in a
 * later statement, as in a browser console. A scope name that this statement or an earlier one
 * (`redeclared`) declares is no longer passed: the declaration wins.
 * @throws SyntaxError (acorn's, its message ending with `(line:column)`) when the code does not parse
 */
export function rewriteStatement(code: string, params: readonly string[], redeclared: ReadonlySet<string> = new Set()): RewrittenStatement {
  const program = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowAwaitOutsideFunction: true });
  const declared = new Set<string>();
  const edits: Edit[] = [];
  const hoisted: string[] = [];
  const src = (node: Node) => code.slice(node.start, node.end);
  program.body.forEach((node, index) => {
    const last = index === program.body.length - 1;
    const edit = rewriteTopLevel(node, last, src, declared, hoisted);
    if (edit) edits.push(edit);
    else nestedVars(node, src, declared, edits);
  });
  let body = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) body = body.slice(0, edit.start) + edit.text + body.slice(edit.end);
  const vars = declared.size ? `var ${[...declared].join(', ')}; ` : '';
  const kept = params.filter((name) => !declared.has(name) && !redeclared.has(name));
  // Everything before the code is on its first line: error positions keep their line numbers.
  const header = `${vars}(async function (${kept.join(', ')}) { ${hoisted.join(' ')}`;
  return { source: `${header}${body}\n})`, params: kept, declared: [...declared], offset: header.length };
}

/** Node types whose `var`s are their own (a new function scope): not walked into. */
const OWN_SCOPE = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ClassDeclaration', 'ClassExpression']);

/**
 * Rewrites the `var` declarations nested in `node`'s blocks and loops (not in functions or
 * classes) into assignments, adding their names to `declared`: `var a = 1` → `void (a = 1);`,
 * `for (var i = 0; …)` → `for (i = 0; …)`, `for (var k of xs)` → `for (k of xs)`.
 */
function nestedVars(node: Node, src: (node: Node) => string, declared: Set<string>, edits: Edit[], parent?: Node): void {
  if (OWN_SCOPE.has(node.type)) return;
  if (node.type === 'VariableDeclaration' && (node as unknown as { kind: string }).kind === 'var' && parent) {
    const declaration = node as unknown as { declarations: Array<{ id: Pattern; init: Node | null }> };
    for (const declarator of declaration.declarations) patternNames(declarator.id, declared);
    const inLoopHead = isLoopHead(node, parent);
    const assignments = declaration.declarations.map((d) => (d.init ? `${src(d.id as unknown as Node)} = ${src(d.init)}` : src(d.id as unknown as Node)));
    const text = inLoopHead
      ? parent.type === 'ForStatement' ? assignments.join(', ') : src(declaration.declarations[0]!.id as unknown as Node)
      : `void (${declaration.declarations.filter((d) => d.init).map((d) => `${src(d.id as unknown as Node)} = ${src(d.init!)}`).join(', ') || '0'});`;
    edits.push({ start: node.start, end: node.end, text });
  }
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (isNode(child)) nestedVars(child, src, declared, edits, node);
    }
  }
}

/** Whether `node` is the head of a `for`, `for…in` or `for…of` (its `init` or `left`). */
function isLoopHead(node: Node, parent: Node): boolean {
  const loop = parent as unknown as { init?: Node; left?: Node };
  return (parent.type === 'ForStatement' && loop.init === node) || ((parent.type === 'ForInStatement' || parent.type === 'ForOfStatement') && loop.left === node);
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' && typeof (value as { start?: unknown }).start === 'number';
}

function rewriteTopLevel(
  node: TopLevel,
  last: boolean,
  src: (node: Node) => string,
  declared: Set<string>,
  hoisted: string[],
): Edit | undefined {
  const at = (text: string): Edit => ({ start: node.start, end: node.end, text });
  switch (node.type) {
    case 'VariableDeclaration': {
      const parts: string[] = [];
      for (const declarator of node.declarations) {
        patternNames(declarator.id, declared);
        if (declarator.init) parts.push(`${src(declarator.id)} = ${src(declarator.init)}`);
        else if (node.kind !== 'var') parts.push(`${src(declarator.id)} = undefined`);
      }
      return at(parts.length ? `void (${parts.join(', ')});` : ';');
    }
    case 'FunctionDeclaration':
      // Left in place (hoisted in the statement as usual) and published as the global of its name
      // before the rest runs, so that it can be called above its declaration and in later statements.
      declared.add(node.id.name);
      hoisted.push(`globalThis.${node.id.name} = ${node.id.name};`);
      return undefined;
    case 'ClassDeclaration':
      declared.add(node.id.name);
      return at(`${node.id.name} = ${src(node)};`);
    case 'ExpressionStatement':
      return last ? at(`return (${src(node.expression)});`) : undefined;
    default:
      return undefined;
  }
}

/** Adds the names a binding pattern declares (`a`, `{a, b: [c]}`, `[d = 1, ...e]`). */
function patternNames(pattern: Pattern, into: Set<string>): void {
  switch (pattern.type) {
    case 'Identifier':
      into.add(pattern.name);
      break;
    case 'ObjectPattern':
      for (const property of pattern.properties) {
        patternNames(property.type === 'RestElement' ? property.argument : property.value, into);
      }
      break;
    case 'ArrayPattern':
      for (const element of pattern.elements) if (element) patternNames(element, into);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left, into);
      break;
    case 'RestElement':
      patternNames(pattern.argument, into);
      break;
    default:
      break;
  }
}
