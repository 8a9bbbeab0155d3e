// Defaults the CLI's help names and the embedded stack uses, in a module with no imports so that
// `sibao --help` (and every command's --help) prints without loading the stack.

/** The local API's port (`sibao start --port`). */
export const DEFAULT_API_PORT = 8787;
/** The SES emulator and mail viewer's port (`sibao start --ses-port`). */
export const DEFAULT_SES_PORT = 8005;
/** The demo county's name (examples/). */
export const DEMO_COUNTY = '通许县';
/** Where the demo week begins: Monday 2022-06-06 09:00 Asia/Shanghai (`sibao start --clock`). */
export const DEMO_START = '2022-06-06T09:00+08:00';
