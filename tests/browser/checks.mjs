// checks.mjs — what the browser tests share: a tally of checks, each printed as it is made
// ("ok" or "FAIL" with its detail), for the summary line and the exit status at the end.
export function checker() {
  const t = { passed: 0, failures: [] };
  t.check = (ok, what, detail) => {
    if (ok) {
      t.passed++;
      console.log(`ok   ${what}`);
    } else {
      t.failures.push(detail === undefined ? what : `${what} (${detail})`);
      console.log(`FAIL ${what}${detail === undefined ? '' : ` (${detail})`}`);
    }
    return ok;
  };
  return t;
}
