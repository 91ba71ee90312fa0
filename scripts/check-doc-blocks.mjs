// Type-checks every ```ts / ```typescript block of README.md and docs/**/*.md, so that the documentation cannot drift
// from the library: `node scripts/check-doc-blocks.mjs`.
//
// Each block becomes a module of its own in .doc-blocks/ (inside the repository, so that node_modules and the
// tsconfig.json path alias `nest-jwt-extended` -> libs/auth/src resolve), and all of them are checked in one program
// with the repository's compiler options (unused locals allowed: a snippet may declare what it does not use).
// Errors are reported at their markdown line: `docs/FILE.md:LINE (block N): message`, N counting the file's
// TypeScript blocks from 1.
//
// A block that shows only the point may take a hidden prelude: an HTML comment right before it (blank lines allowed),
//
//   <!-- prelude: import { AuthModule } from 'nest-jwt-extended'; declare const secret: string; -->
//
// whose text after `prelude:` (one line or several) is put before the block's code. A prelude that no TypeScript block
// follows is an error. Blocks after `<!-- file: examples/consumer/src/NAME -->` are the consumer app's files, compiled
// and run by test/consumer/consumer.test.mjs (which checks they equal the files): they are counted, not checked here.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '..');
const scratch = join(root, '.doc-blocks');

/** README.md, then docs/**\/*.md, as paths relative to the repository. */
function markdownFiles() {
  const docs = readdirSync(join(root, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name).split('\\').join('/'))
    .sort();
  return ['README.md', ...docs];
}

// A fence may be indented (a block in a list item); its code lines lose that indentation.
const FENCE = /^( *)(`{3,}|~{3,})\s*([^\s`]*)/;
const COMMENT = /^\s*<!--\s*(file|prelude):([\s\S]*?)-->\s*$/;

/**
 * The TypeScript blocks of one markdown file: `{ index, line (of the block's first code line, 1-based), code,
 * consumerFile?, prelude?, preludeLine? }`, and the lines of preludes no TypeScript block follows.
 */
function blocksOf(text) {
  const lines = text.split(/\r?\n/);
  const blocks = [];
  const strayPreludes = [];
  // The `file:` or `prelude:` comment that ended on the last non-blank line, if any.
  let comment;
  let index = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (!fence) {
      if (line.trim() === '') continue;
      if (comment?.kind === 'prelude') strayPreludes.push(comment.line);
      comment = undefined;
      // An HTML comment, possibly over several lines: read up to its end.
      if (/^\s*<!--/.test(line)) {
        let end = i;
        while (end < lines.length && !lines[end].includes('-->')) end++;
        const text = lines.slice(i, end + 1).join('\n');
        const match = COMMENT.exec(text);
        if (match) {
          // The line the body's text starts on, for errors in a prelude.
          const after = text.indexOf(`${match[1]}:`) + match[1].length + 1;
          const start = after + match[2].length - match[2].trimStart().length;
          comment = {
            kind: match[1],
            body: match[2].trim(),
            line: i + 1 + text.slice(0, start).split('\n').length - 1,
          };
        }
        i = end;
      }
      continue;
    }
    const [, indent, marker, info] = fence;
    let end = i + 1;
    const closing = new RegExp(`^ *${marker[0]}{${marker.length},}\\s*$`);
    while (end < lines.length && !closing.test(lines[end])) end++;
    const language = info.toLowerCase();
    if (language === 'ts' || language === 'typescript') {
      index++;
      const code = lines
        .slice(i + 1, end)
        .map((codeLine) => codeLine.slice(Math.min(indent.length, codeLine.length - codeLine.trimStart().length)))
        .join('\n');
      blocks.push({
        index,
        line: i + 2,
        code,
        // Only ```ts: the consumer test compares the blocks its pattern finds, `<!-- file: PATH -->` then ```ts.
        consumerFile: comment?.kind === 'file' && info === 'ts' ? comment.body : undefined,
        prelude: comment?.kind === 'prelude' ? comment.body : undefined,
        preludeLine: comment?.kind === 'prelude' ? comment.line : undefined,
      });
    } else if (comment?.kind === 'prelude') {
      strayPreludes.push(comment.line);
    }
    comment = undefined;
    i = end;
  }
  if (comment?.kind === 'prelude') strayPreludes.push(comment.line);
  return { blocks, strayPreludes };
}

/** The repository's compiler options, for snippets: no output, unused locals allowed. */
function compilerOptions() {
  const configPath = join(root, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  // Only the options matter: `files: []` spares listing the repository's sources.
  const parsed = ts.parseJsonConfigFileContent({ ...config, include: undefined, files: [] }, ts.sys, root);
  return {
    ...parsed.options,
    noEmit: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    declaration: false,
    sourceMap: false,
    incremental: false,
  };
}

function message(diagnostic) {
  return ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').split('\n').join('\n    ');
}

const started = performance.now();
const errors = [];
let checked = 0;
let byConsumerTest = 0;
let strayPreludeCount = 0;
mkdirSync(scratch, { recursive: true });
const folder = mkdtempSync(join(scratch, 'run-'));
try {
  /** Generated file -> where its lines come from. */
  const origins = new Map();
  for (const markdown of markdownFiles()) {
    const { blocks, strayPreludes } = blocksOf(readFileSync(join(root, markdown), 'utf8'));
    for (const line of strayPreludes) {
      strayPreludeCount++;
      errors.push(`${markdown}:${line}: a prelude comment that no TypeScript block follows`);
    }
    for (const block of blocks) {
      if (block.consumerFile !== undefined) {
        byConsumerTest++;
        continue;
      }
      checked++;
      const prelude = block.prelude === undefined ? '' : `${block.prelude}\n`;
      const file = join(folder, `${markdown.replace(/[/.]/g, '_')}_${block.index}.ts`);
      // `export {}` makes every block a module, so that two blocks never share a scope.
      writeFileSync(file, `${prelude}${block.code}\nexport {};\n`);
      origins.set(file, { markdown, block, preludeLines: prelude.split('\n').length - 1 });
    }
  }

  const program = ts.createProgram([...origins.keys()], compilerOptions());
  const failed = new Set();
  for (const diagnostic of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) {
    errors.push(`tsconfig.json: ${message(diagnostic)}`);
  }
  for (const [file, { markdown, block, preludeLines }] of origins) {
    const source = program.getSourceFile(file);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    for (const diagnostic of diagnostics) {
      failed.add(file);
      const at = diagnostic.start === undefined ? 0 : source.getLineAndCharacterOfPosition(diagnostic.start).line;
      const where =
        at < preludeLines
          ? `${block.preludeLine + at} (block ${block.index}, prelude)`
          : `${block.line + at - preludeLines} (block ${block.index})`;
      errors.push(`${markdown}:${where}: ${message(diagnostic)}`);
    }
  }
  // One stream, so that the summary comes last wherever the output goes.
  for (const error of errors) console.log(error);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const stray = strayPreludeCount > 0 ? `, ${strayPreludeCount} stray prelude(s)` : '';
  console.log(
    `doc blocks: ${checked} checked, ${failed.size} failed${stray} ` +
      `(${byConsumerTest} more checked by the consumer test; ${seconds} s)`,
  );
  process.exitCode = errors.length > 0 ? 1 : 0;
} finally {
  rmSync(folder, { recursive: true, force: true });
  try {
    rmdirSync(scratch); // unless another run is using it
  } catch {
    // not empty: another run's folder
  }
}
