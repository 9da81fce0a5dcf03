import { join } from 'node:path';
import ts from 'typescript';
import { ROOT, type Manifest } from './lib.js';

/**
 * Where the model of an apiVersion lives: kubernetes-models for Kubernetes' own groups (its schemas are Kubernetes'
 * OpenAPI), @kubernetes-models/keda and /prometheus-operator for the CRDs (generated from those projects' CRDs).
 * A kind with no model is an error, not a skip.
 */
function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!/^[A-Z][A-Za-z]+$/.test(kind) || !version) throw new Error(`unexpected apiVersion/kind ${apiVersion} ${kind}`);
  if (group === 'keda.sh') return `@kubernetes-models/keda/keda.sh/${version}/${kind}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${kind}`;
  return group === '' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

interface Validating {
  validate(): void;
}

/**
 * The JSON-schema check of each object (types, required fields, enums, formats), by the model's own validator.
 * Returns one line per object that fails.
 */
export async function schemaProblems(manifests: readonly Manifest[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { file, index, doc } of manifests) {
    const where = `${file} #${index} (${doc.kind ?? '?'} ${doc.metadata?.name ?? '?'})`;
    try {
      const module = (await import(modelModule(String(doc.apiVersion), String(doc.kind)))) as Record<string, new (data: unknown) => Validating>;
      const Model = module[String(doc.kind)];
      if (!Model) throw new Error(`no model for ${doc.apiVersion} ${doc.kind}`);
      new Model(doc).validate();
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * The check the models' schemas leave out: fields that do not exist. Kubernetes' OpenAPI allows unknown properties,
 * so `livenesProbe:` validates and is silently ignored, while `kubectl apply` (strict field validation) refuses it.
 * Each object is type-checked as a TypeScript object literal against the model's interface: excess property checks
 * reject every field the interface does not declare, at any depth, and value types are checked once more (KEDA
 * trigger metadata must be strings). A virtual file beside this one, so the packages resolve as from the tests.
 */
export function unknownFieldProblems(manifests: readonly Manifest[]): string[] {
  const fileName = join(ROOT, 'test', 'deploy', '__manifests__.ts');
  const lines: string[] = manifests.map(
    ({ doc }, position) => `import type { I${String(doc.kind)} as T${position} } from '${modelModule(String(doc.apiVersion), String(doc.kind))}';`,
  );
  // Where each object starts in the virtual file, to name it in a diagnostic.
  const owners: { line: number; where: string }[] = [];
  manifests.forEach(({ file, index, doc }, position) => {
    owners.push({ line: lines.length, where: `${file} #${index} (${doc.kind} ${doc.metadata?.name ?? '?'})` });
    lines.push(...`export const m${position} = ${JSON.stringify(doc, null, 1)} satisfies T${position};`.split('\n'));
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, languageVersion, true) : getSourceFile(name, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  const sourceFile = program.getSourceFile(fileName);
  return ts.getPreEmitDiagnostics(program, sourceFile).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (!diagnostic.file || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const owner = owners.findLast((entry) => entry.line <= line);
    const text = diagnostic.file.text.split('\n')[line]?.trim() ?? '';
    return `${owner?.where ?? '?'}: ${message} (at ${text.slice(0, 80)})`;
  });
}
