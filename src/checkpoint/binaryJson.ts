/**
 * JSON with its typed arrays kept as raw bytes: a checkpoint's large tables (a week of minutes by scope) are
 * columns of numbers, which as JSON text would cost more to parse than the rest of a run. The file is a first line
 * naming the format, the length of the JSON header on the second, the header, and then each typed array's bytes
 * (8-byte aligned), referred to in the header as {"$bytes": offset, "type": "Float64Array", "length": n}.
 */

const TYPES = { Float64Array, Uint32Array, Int32Array, Uint8Array } as const;
type TypeName = keyof typeof TYPES;
type Column = InstanceType<(typeof TYPES)[TypeName]>;

export function encodeBinaryJson(magic: string, value: unknown): Buffer[] {
  const columns: Buffer[] = [];
  let offset = 0;
  const header = JSON.stringify(value, (_key, item: unknown) => {
    const type = typeOf(item);
    if (type === null) return item;
    const column = item as Column;
    const bytes = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
    const reference = { $bytes: offset, type, length: column.length };
    columns.push(bytes);
    const padding = (8 - (bytes.length % 8)) % 8;
    if (padding > 0) columns.push(Buffer.alloc(padding));
    offset += bytes.length + padding;
    return reference;
  });
  const head = Buffer.from(`${magic}\n${Buffer.byteLength(header)}\n${header}\n`);
  return [head, Buffer.alloc((8 - (head.length % 8)) % 8), ...columns];
}

/** The value of a file written by encodeBinaryJson; throws an Error saying what is wrong with it. */
export function decodeBinaryJson(magic: string, file: Buffer): unknown {
  const firstLine = file.indexOf(0x0a);
  if (firstLine < 0 || file.toString('latin1', 0, firstLine) !== magic) throw new Error(`it does not start with "${magic}"`);
  const secondLine = file.indexOf(0x0a, firstLine + 1);
  const length = Number(file.toString('latin1', firstLine + 1, secondLine));
  const start = secondLine + 1;
  if (secondLine < 0 || !Number.isSafeInteger(length) || start + length > file.length) throw new Error('its header is cut short');
  const header = file.toString('utf8', start, start + length);
  const head = start + length + 1;
  const data = head + ((8 - (head % 8)) % 8);
  return JSON.parse(header, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || !('$bytes' in item)) return item;
    const { $bytes: at, type, length: count } = item as { $bytes: unknown; type: unknown; length: unknown };
    const Type = typeof type === 'string' && Object.hasOwn(TYPES, type) ? TYPES[type as TypeName] : null;
    if (Type === null || !Number.isSafeInteger(at) || !Number.isSafeInteger(count) || (at as number) < 0 || (count as number) < 0) throw new Error(`a column is not described right: ${JSON.stringify(item)}`);
    const from = data + (at as number);
    const to = from + (count as number) * Type.BYTES_PER_ELEMENT;
    if (to > file.length) throw new Error('a column is cut short');
    const bytes = new Uint8Array(count as number * Type.BYTES_PER_ELEMENT);
    bytes.set(file.subarray(from, to));
    return new Type(bytes.buffer);
  });
}

function typeOf(item: unknown): TypeName | null {
  for (const name of Object.keys(TYPES) as TypeName[]) if (item instanceof TYPES[name]) return name;
  return null;
}
