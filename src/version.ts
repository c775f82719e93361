/** This claude-mon's version (package.json's): in --version, state headers, and what a checkpoint was made by. */
export const VERSION = '0.1.0';
