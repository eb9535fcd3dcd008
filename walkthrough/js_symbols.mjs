// Lists the symbols of one JavaScript module and the lines each one spans.
//
// Reads the module's source from standard input, parses it with acorn and
// writes JSON to standard output: {"symbols": [{"name", "first_line",
// "last_line"}]} or, when the source does not parse, {"error": {"message",
// "line"}}. Symbols are the top-level function, class and variable
// declarations, exported or not, and the members of top-level classes as
// "Class.member" ("Class.#member" for private ones). A declaration's lines
// start at its `export` keyword when it has one.
//
// Lines are counted by "\n" alone, as walkthrough/quote.py splits the file,
// so both sides agree on the numbers even where the source contains U+2028.

import { readFileSync } from "node:fs";
import { parse } from "acorn";

function lineStarts(source) {
  const starts = [0];
  for (let index = source.indexOf("\n"); index !== -1; index = source.indexOf("\n", index + 1)) {
    starts.push(index + 1);
  }
  return starts;
}

// Returns the 1-based line of a UTF-16 offset, by binary search over `starts`.
function lineOf(starts, offset) {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle] <= offset) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

function memberName(element) {
  if (element.computed) return null;
  const key = element.key;
  if (key.type === "Identifier") return key.name;
  if (key.type === "PrivateIdentifier") return `#${key.name}`;
  if (key.type === "Literal") return String(key.value);
  return null;
}

function listSymbols(source) {
  const program = parse(source, { ecmaVersion: "latest", sourceType: "module" });
  const starts = lineStarts(source);
  const symbols = [];
  const add = (name, node) => {
    // `end` is the offset after the node's last character.
    symbols.push({
      name,
      first_line: lineOf(starts, node.start),
      last_line: lineOf(starts, node.end - 1),
    });
  };
  const addMembers = (className, classNode) => {
    for (const element of classNode.body.body) {
      const name = memberName(element);
      if (name !== null) add(`${className}.${name}`, element);
    }
  };

  for (const statement of program.body) {
    const isExport =
      statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration";
    const declaration = isExport ? statement.declaration : statement;
    if (!declaration) continue;
    if (declaration.type === "FunctionDeclaration" || declaration.type === "ClassDeclaration") {
      const name = declaration.id ? declaration.id.name : "default";
      add(name, statement);
      if (declaration.type === "ClassDeclaration") addMembers(name, declaration);
    } else if (declaration.type === "VariableDeclaration") {
      const single = declaration.declarations.length === 1;
      for (const declarator of declaration.declarations) {
        if (declarator.id.type !== "Identifier") continue;
        const name = declarator.id.name;
        add(name, single ? statement : declarator);
        if (declarator.init?.type === "ClassExpression") addMembers(name, declarator.init);
      }
    }
  }
  return symbols;
}

const source = readFileSync(0, "utf8");
let result;
try {
  result = { symbols: listSymbols(source) };
} catch (error) {
  if (!(error instanceof SyntaxError)) throw error;
  const line = error.pos === undefined ? null : lineOf(lineStarts(source), error.pos);
  result = { error: { message: error.message, line } };
}
process.stdout.write(JSON.stringify(result));
