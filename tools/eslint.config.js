// ESLint for the site's own scripts (make lint): src/barometre/assets/**/*.js, vendored bundles
// excepted. Run from the repository root with --config tools/eslint.config.js: the patterns below
// are relative to it. Browser scripts, not modules: each wraps itself in a strict function and
// reaches shared code through window (Dash, React, Plotly, window.barometre*).
"use strict";

const js = require("@eslint/js");
const globals = require("globals");

module.exports = [
  { ignores: ["src/barometre/assets/vendor/**"] },
  {
    files: ["src/barometre/assets/**/*.js"],
    ...js.configs.recommended,
    languageOptions: {
      // ES2020 (optional chaining, ?? and catch without a binding in explore.js): every browser
      // the site supports runs it, Chromium, Firefox and Safari since 2020.
      ecmaVersion: 2020,
      sourceType: "script",
      globals: { ...globals.browser },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      ...js.configs.recommended.rules,
      eqeqeq: "error",
      strict: ["error", "function"],
      "no-implicit-globals": "error",
      "no-shadow": "error",
      // A catch that only says why it ignores the error keeps its binding (ES2017 has no
      // optional catch binding).
      "no-unused-vars": ["error", { caughtErrors: "none" }],
      // Functions called later may name what the script defines after them.
      "no-use-before-define": ["error", { functions: false, variables: false }],
    },
  },
];
