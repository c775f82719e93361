// The interner of the WebAssembly scanner (assembly/flatScanner.ts): the values of interned slots (feature, model,
// user, ...) as small ids, each value's bytes kept once in an arena. JavaScript decodes an id's text the first
// time it sees the id. Bounded, as the JavaScript interner is: past INTERN_CAPACITY values, or a full arena, a new
// value gets no id (NOT_INTERNED: JavaScript decodes it).

export const NOT_INTERNED: u32 = 0xffffffff;
export const INTERN_CAPACITY: u32 = 100_000;
/** Slots of the hash table at most; it starts small (a few values stay in the cache) and doubles at half full. */
const INTERN_MAX_SLOTS: u32 = 1 << 18;
const INTERN_FIRST_SLOTS: u32 = 1 << 10;
/** Values' bytes; 8 more at the end, so that comparing eight bytes at a time never reads past the arena. */
const INTERN_ARENA_BYTES: u32 = (4 << 20) - 8;
/** Where the interner goes (INTERN_AREA_BYTES from `base`): slots (hash, id + 1), ids' (offset, length, hash), arena. */
export const INTERN_AREA_BYTES: u32 = INTERN_MAX_SLOTS * 8 + INTERN_CAPACITY * 12 + INTERN_ARENA_BYTES + 8;
let internSlots: u32 = 0;
let internMask: u32 = 0;
let internValues: u32 = 0;
let internArena: u32 = 0;
let internArenaUsed: u32 = 0;
let internCount: u32 = 0;

export function initInterner(base: u32): void {
  internSlots = base;
  internMask = INTERN_FIRST_SLOTS - 1;
  internValues = base + INTERN_MAX_SLOTS * 8;
  internArena = internValues + INTERN_CAPACITY * 12;
  internArenaUsed = 0;
  internCount = 0;
  memory.fill(internSlots, 0, INTERN_FIRST_SLOTS * 8);
}

/** The id of the value at [start, end) whose spanHash is `hash`, or NOT_INTERNED. */
export function intern(start: u32, end: u32, hash: u32): u32 {
  const length = end - start;
  let i = hash & internMask;
  for (;;) {
    const slot = internSlots + i * 8;
    const stored = load<u32>(slot + 4);
    if (stored == 0) break;
    if (load<u32>(slot) == hash) {
      const value = internValues + (stored - 1) * 12;
      if (load<u32>(value + 4) == length && sameBytes(internArena + load<u32>(value), start, length)) return stored - 1;
    }
    i = (i + 1) & internMask;
  }
  if (internCount >= INTERN_CAPACITY || internArenaUsed + length > INTERN_ARENA_BYTES) return NOT_INTERNED;
  const id = internCount++;
  memory.copy(internArena + internArenaUsed, start, length);
  const value = internValues + id * 12;
  store<u32>(value, internArenaUsed);
  store<u32>(value + 4, length);
  store<u32>(value + 8, hash);
  internArenaUsed += length;
  store<u32>(internSlots + i * 8, hash);
  store<u32>(internSlots + i * 8 + 4, id + 1);
  if (internCount * 2 > internMask && internMask + 1 < INTERN_MAX_SLOTS) growInterner();
  return id;
}

/** Whether the `length` bytes at a and b are the same, eight at a time (both have 8 readable bytes past the end). */
@inline
function sameBytes(a: u32, b: u32, length: u32): bool {
  let i: u32 = 0;
  for (; i + 8 <= length; i += 8) if (load<u64>(a + i) != load<u64>(b + i)) return false;
  if (i == length) return true;
  const mask = (<u64>1 << (<u64>(length - i) << 3)) - 1;
  return ((load<u64>(a + i) ^ load<u64>(b + i)) & mask) == 0;
}

function growInterner(): void {
  internMask = (internMask << 1) | 1;
  memory.fill(internSlots, 0, (internMask + 1) * 8);
  for (let id: u32 = 0; id < internCount; id++) {
    const hash = load<u32>(internValues + id * 12 + 8);
    let i = hash & internMask;
    while (load<u32>(internSlots + i * 8 + 4) != 0) i = (i + 1) & internMask;
    store<u32>(internSlots + i * 8, hash);
    store<u32>(internSlots + i * 8 + 4, id + 1);
  }
}
