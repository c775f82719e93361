/** A stylesheet imported for its effect: esbuild bundles it into reportPage.css. */
declare module '*.css';
