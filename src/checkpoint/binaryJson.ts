/**
 * JSON with its typed arrays kept as raw bytes: a checkpoint's large tables (a week of minutes by scope) are
 * columns of numbers, which as JSON text would cost more to parse than the rest of a run. The file is a first line
 * naming the format, the length of the JSON header on the second, the header, and then each typed array's bytes
 * (8-byte aligned), referred to in the header as {"$bytes": offset, "type": "Float64Array", "length": n}. Numbers
 * are in the machine's byte order: little-endian on every platform Node runs on.
 */

const TYPES = { Float64Array, Uint32Array, Int32Array, Uint8Array } as const;
type TypeName = keyof typeof TYPES;
type Column = InstanceType<(typeof TYPES)[TypeName]>;

export function encodeBinaryJson(magic: string, value: unknown): Buffer[] {
  const columns: Buffer[] = [];
  let offset = 0;
  // The typed arrays swapped for references in a copy of the value (a replacer would be called for every value).
  const referring = (item: unknown): unknown => {
    const type = typeOf(item);
    if (type !== null) {
      const column = item as Column;
      const bytes = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
      const reference = { $bytes: offset, type, length: column.length };
      const padding = (8 - (bytes.length % 8)) % 8;
      columns.push(bytes, Buffer.alloc(padding));
      offset += bytes.length + padding;
      return reference;
    }
    if (Array.isArray(item)) return item.some(isObject) ? item.map(referring) : item;
    if (isObject(item)) return Object.fromEntries(Object.entries(item).map(([key, field]) => [key, referring(field)]));
    return item;
  };
  const header = JSON.stringify(referring(value));
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
  if (secondLine < 0 || !Number.isSafeInteger(length) || length < 0 || start + length > file.length) throw new Error('its header is cut short');
  const head = start + length + 1;
  const data = head + ((8 - (head % 8)) % 8);
  const column = (item: Record<string, unknown>): Column => {
    const { $bytes: at, type, length: count } = item;
    const Type = typeof type === 'string' && Object.hasOwn(TYPES, type) ? TYPES[type as TypeName] : null;
    if (Type === null || !Number.isSafeInteger(at) || !Number.isSafeInteger(count) || (at as number) < 0 || (count as number) < 0) {
      throw new Error(`a column is not described right: ${JSON.stringify(item)}`);
    }
    const from = data + (at as number);
    const to = from + (count as number) * Type.BYTES_PER_ELEMENT;
    if (to > file.length) throw new Error('a column is cut short');
    // A view of the file's bytes where they are aligned for the type (they are: 8-byte aligned in a file read
    // whole into its own buffer), else a copy.
    const offset = file.byteOffset + from;
    if (offset % Type.BYTES_PER_ELEMENT === 0) return new Type(file.buffer as ArrayBuffer, offset, count as number);
    const bytes = new Uint8Array(to - from);
    bytes.set(file.subarray(from, to));
    return new Type(bytes.buffer);
  };
  const revived = (item: unknown): unknown => {
    if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) if (isObject(item[i])) item[i] = revived(item[i]);
      return item;
    }
    if (!isObject(item)) return item;
    if ('$bytes' in item) return column(item);
    for (const key of Object.keys(item)) if (isObject(item[key])) item[key] = revived(item[key]);
    return item;
  };
  return revived(JSON.parse(file.toString('utf8', start, start + length)));
}

function isObject(item: unknown): item is Record<string, unknown> {
  return typeof item === 'object' && item !== null;
}

function typeOf(item: unknown): TypeName | null {
  if (!ArrayBuffer.isView(item)) return null;
  for (const name of Object.keys(TYPES) as TypeName[]) if (item instanceof TYPES[name]) return name;
  return null;
}
