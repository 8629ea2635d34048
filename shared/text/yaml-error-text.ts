// The first line of a YAML parser's error as a reader can act on it. The `yaml` library reports a
// document nested too deeply for its recursive composer as the engine's own "Maximum call stack
// size exceeded", which reads like a crash of the tool rather than a property of the file.

/** The first line of `message`, with a stack overflow said as what it is about the file. */
export function yamlErrorText(message: string): string {
  const first = message.split('\n')[0] ?? message;
  if (/maximum call stack size exceeded/i.test(first))
    return 'the document nests lists or mappings too deeply to be read (hundreds of levels or more; Kubernetes objects need a few dozen)';
  return first;
}
