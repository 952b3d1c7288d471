/** Vite turns `?url` imports into the URL of the emitted (hashed) file. */
declare module '*?url' {
  const url: string;
  export default url;
}

/** Vite turns `?raw` imports into the file's text (bundled into the importing chunk). */
declare module '*?raw' {
  const text: string;
  export default text;
}
