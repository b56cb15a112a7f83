// What a JavaScript action's code can do, read with TypeScript's own parser (never run): the
// JavaScript twin of analysis/effects.py, driven by analysis/typescript/effects.py.
//
//   node js_effects.js <path of the typescript package> '<JSON list of "namespace.method">'
//
// stdin: one JSON request per line, {"id": n, "code": "..."}; stdout: one JSON answer per line,
// {"id": n, "calls": [{"path", "line", "target"}], "secrets": [...], "parse_error": null | "..."}.
// `path` is the api call's tail in Auth0's names ("accessToken.setCustomClaim"), `target` its
// first argument when that is a string literal. Only the listed paths are reported.
"use strict";

const ts = require(process.argv[2]);
const wanted = new Set(JSON.parse(process.argv[3]));
const readline = require("node:readline");

// `a.b.c` (also `a?.b.c` and `a["b"].c`) -> ["a", "b", "c"]; null when it does not start at a name.
function chain(node) {
  const parts = [];
  while (true) {
    if (ts.isPropertyAccessExpression(node)) {
      parts.push(node.name.text);
      node = node.expression;
    } else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      parts.push(node.argumentExpression.text);
      node = node.expression;
    } else if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) {
      node = node.expression;
    } else if (ts.isIdentifier(node)) {
      parts.push(node.text);
      return parts.reverse();
    } else {
      return null;
    }
  }
}

function isSecrets(node) {
  const names = chain(node);
  return names !== null && names.length >= 2 && names[names.length - 1] === "secrets";
}

function literal(node) {
  return node && ts.isStringLiteralLike(node) ? node.text : null;
}

function analyze(code) {
  const file = ts.createSourceFile("action.js", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const problems = file.parseDiagnostics || [];
  if (problems.length > 0) {
    const line = file.getLineAndCharacterOfPosition(problems[0].start).line + 1;
    return { calls: [], secrets: [], parse_error: `the code does not parse (line ${line})` };
  }
  const calls = [];
  const secrets = [];
  const addSecret = (name) => {
    if (name && !secrets.includes(name)) secrets.push(name);
  };
  const lineOf = (node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  (function visit(node) {
    if (ts.isCallExpression(node)) {
      const names = chain(node.expression);
      // At least three parts (`api.cache.get`), so a local `cache.get(...)` is not the api's.
      if (names !== null && names.length >= 3) {
        const path = names.slice(-2).join(".");
        if (wanted.has(path)) calls.push({ path, line: lineOf(node), target: literal(node.arguments[0]) });
      }
    } else if (ts.isPropertyAccessExpression(node) && isSecrets(node.expression)) {
      addSecret(node.name.text);
    } else if (ts.isElementAccessExpression(node) && isSecrets(node.expression)) {
      addSecret(literal(node.argumentExpression));
    } else if (ts.isVariableDeclaration(node) && node.initializer && ts.isObjectBindingPattern(node.name)
               && isSecrets(node.initializer)) {
      // const { API_KEY, OTHER: alias } = event.secrets;
      for (const element of node.name.elements) {
        const key = element.propertyName || element.name;
        if (!element.dotDotDotToken && (ts.isIdentifier(key) || ts.isStringLiteralLike(key))) addSecret(key.text);
      }
    }
    ts.forEachChild(node, visit);
  })(file);
  return { calls, secrets, parse_error: null };
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  let id = null;
  try {
    const request = JSON.parse(line);
    id = request.id;
    process.stdout.write(JSON.stringify({ id, ...analyze(String(request.code)) }) + "\n");
  } catch (error) {
    process.stdout.write(JSON.stringify({ id, calls: [], secrets: [], parse_error: `not analysed: ${error.message}` }) + "\n");
  }
});
