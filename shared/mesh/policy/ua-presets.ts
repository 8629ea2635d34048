// Operating-system and browser presets, written as RE2 fragments on the `user-agent` header.
//
// RE2 has no lookahead, so "Chrome but not Edge" cannot live in one regex: each preset is a fragment
// that must occur somewhere in the user agent (`require`) and fragments that must not (`exclude`,
// written to `withoutHeaders`). Two tests hold them to real user agents:
// - test/unit/mesh/policy/ua-corpus-agreement.test.ts: the OS presets on a labelled corpus of public
//   test data, browsers and app agents alike (test/fixtures/user-agents/README.md), per preset;
// - test/unit/mesh/policy/ua-presets-agreement.test.ts: OS and browser presets against ua-parser-js
//   v1 on the `user-agents` package's browser traffic.
// What each preset catches and cannot catch, in words for the operator: ua-preset-notes.ts.
//
// The browser presets in ua-parser-js v1 terms:
//   chrome   browser.name 'Chrome', 'Chrome Headless' or 'Chromium'. In-app web views
//            ('Chrome WebView', 'Android Browser') are not Chrome: a release aimed at Chrome users
//            should not reach the browser embedded in someone else's app.
//   safari   'Safari' or 'Mobile Safari'           firefox  'Firefox' or 'Mobile Firefox'
//   edge     'Edge'                                opera    any name starting with 'Opera'
//   samsung  'Samsung Internet'

export const OS_PRESETS = ['android', 'ios', 'ipados', 'windows', 'macos', 'linux', 'chromeos'] as const;
export const BROWSER_PRESETS = ['chrome', 'safari', 'firefox', 'edge', 'opera', 'samsung'] as const;

export type OsPreset = (typeof OS_PRESETS)[number];
export type BrowserPreset = (typeof BROWSER_PRESETS)[number];

/** One way a user agent can satisfy a preset. */
export interface UaAlternative {
  /** RE2 fragment that must occur somewhere in the user agent. */
  require: string;
  /** RE2 fragments none of which may occur. */
  exclude: readonly string[];
}

export interface UaPreset {
  label: string;
  alternatives: readonly UaAlternative[];
}

// Browsers built on Chrome put a token of their own after Chrome's; ua-parser-js names them by it.
const CHROME_BASED_OR_EMBEDDED = [
  'Edg(?:e|A|iOS)?/',
  'OPR/',
  'OPT/',
  'OPiOS/',
  'OPX/',
  'Opera',
  'SamsungBrowser/',
  'YaBrowser/',
  'DuckDuckGo/',
  'Ddg/',
  'UCBrowser/',
  'MiuiBrowser/',
  'HuaweiBrowser/',
  'HeyTapBrowser/',
  'Vivaldi/',
  'Silk/',
  'Whale/',
  'coc_coc_browser/',
  'QQBrowser/',
  'Maxthon',
  'Puffin/',
  'FBAN/',
  'FBAV/',
  'Instagram',
  'Line/',
  'Snapchat',
  'MicroMessenger/',
  'Electron/',
  'GSA/',
  'OculusBrowser/',
  'Brave/',
  // Web views and the old Android browser carry Version/4.0; Chrome itself never sends Version/.
  'Version/',
  '; wv\\)',
];

const NOT_SAFARI = [
  'Chrome/',
  'CriOS/',
  'Chromium/',
  'Edg(?:e|A|iOS)?/',
  'OPR/',
  'OPT/',
  'OPiOS/',
  'FxiOS/',
  'GSA/',
  'Ddg/',
  'DuckDuckGo/',
  'Snapchat',
  'FBAN/',
  'FBAV/',
  'Instagram',
  'Line/',
  'YaBrowser/',
  'SamsungBrowser/',
  'UCBrowser/',
  'MicroMessenger/',
  'Silk/',
  'Android',
  'PlayStation',
  'Nintendo',
];

const NOT_FIREFOX = [
  'SeaMonkey/',
  'Waterfox/',
  'PaleMoon/',
  'Iceweasel/',
  'IceCat/',
  'Focus/',
  'Klar/',
  'Camino/',
  'Basilisk/',
  'LibreWolf/',
  'K-Meleon/',
];

// Apple's URLSession agent is "App/1 CFNetwork/1410.0.3 Darwin/22.4.0" on iOS and iPadOS; on macOS
// the architecture follows in parentheses ("Darwin/23.4.0 (arm64)"), which is how the two are told
// apart: their Darwin versions overlap.
const MAC_DARWIN = 'Darwin/\\S+ \\((?:x86_64|i386|arm64e?|ppc)\\)';
const TV_AND_READERS = [
  'GoogleTV',
  'Large Screen',
  'HbbTV',
  'SmartTV',
  'SMART-TV',
  'NetCast',
  'Kindle',
  'Silk/',
];

export const OS_PRESET_DEFINITIONS: Readonly<Record<OsPreset, UaPreset>> = {
  android: {
    label: 'Android',
    alternatives: [
      {
        // Dalvik/ is Android's default agent for apps; okhttp/ the default of the HTTP client most
        // Android apps use; "Adr" is UC Browser's short form; Silk is Fire OS (Android) on Kindle Fire.
        require: 'Android|Dalvik/|okhttp/|; Adr \\d|Silk/',
        exclude: ['Windows Phone', 'HarmonyOS', 'OpenHarmony', 'PlayStation'],
      },
    ],
  },
  ios: {
    label: 'iOS',
    alternatives: [
      {
        require: 'iPhone|iPod|CFNetwork/\\S+ Darwin/|[(; ]iOS[ /;]',
        exclude: ['iPad', 'Darwin/\\S+ \\(', 'Windows Phone', 'IEMobile', 'Macintosh'],
      },
    ],
  },
  ipados: { label: 'iPadOS', alternatives: [{ require: 'iPad', exclude: ['Windows Phone', 'Macintosh'] }] },
  windows: {
    label: 'Windows',
    alternatives: [
      {
        require: '\\bWindows\\b|\\bWin(?:16|32|64|95|98|NT|3\\.1)|\\bWin (?:9x|NT)\\b',
        // "wds" is UC Browser's short form of Windows Phone; ZuneWP7 marks Windows Phone 7's desktop mode.
        exclude: [
          'Windows Phone',
          'Windows Mobile',
          'Windows ?CE',
          '; wds \\d',
          'IEMobile',
          'ZuneWP7',
          'Xbox',
        ],
      },
    ],
  },
  macos: {
    label: 'macOS',
    alternatives: [
      {
        require: `Macintosh|Mac OS X|Mac_PowerPC|${MAC_DARWIN}`,
        exclude: ['iPhone', 'iPad', 'iPod', 'like Mac OS X', 'Silk/'],
      },
    ],
  },
  linux: {
    label: 'Linux',
    alternatives: [
      {
        require: 'Linux|CentOS',
        exclude: [
          'Android',
          'CrOS',
          'Tizen',
          'Web0S',
          'webOS',
          'hpwOS',
          'KaiOS',
          'KAIOS',
          'HarmonyOS',
          'Sailfish',
          'Maemo',
          'FreeBSD',
          'UCWEB',
          ...TV_AND_READERS,
        ],
      },
    ],
  },
  chromeos: { label: 'ChromeOS', alternatives: [{ require: 'CrOS', exclude: [] }] },
};

export const BROWSER_PRESET_DEFINITIONS: Readonly<Record<BrowserPreset, UaPreset>> = {
  chrome: {
    label: 'Chrome',
    alternatives: [{ require: '(?:Chrome|CriOS|Chromium)/', exclude: CHROME_BASED_OR_EMBEDDED }],
  },
  safari: { label: 'Safari', alternatives: [{ require: 'Version/\\S+ .*Safari', exclude: NOT_SAFARI }] },
  firefox: { label: 'Firefox', alternatives: [{ require: 'Firefox/|FxiOS/', exclude: NOT_FIREFOX }] },
  edge: { label: 'Edge', alternatives: [{ require: 'Edg(?:e|A|iOS)?/', exclude: [] }] },
  opera: { label: 'Opera', alternatives: [{ require: 'OPR/|OPT/|OPiOS/|OPX/|Opera', exclude: [] }] },
  samsung: { label: 'Samsung Internet', alternatives: [{ require: 'SamsungBrowser/', exclude: [] }] },
};

export function isOsPreset(name: string): name is OsPreset {
  return (OS_PRESETS as readonly string[]).includes(name);
}

export function isBrowserPreset(name: string): name is BrowserPreset {
  return (BROWSER_PRESETS as readonly string[]).includes(name);
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/**
 * One RE2 pattern that full-matches a value containing every fragment, in any order. RE2 has no
 * lookahead, so "contains A and contains B" is written as A…B or B…A.
 */
export function containsAllPattern(fragments: readonly string[]): string {
  const orders = permutations(fragments).map((order) => order.map((f) => `(?:${f})`).join('.*'));
  return orders.length === 1 ? `.*${orders[0]}.*` : `.*(?:${orders.join('|')}).*`;
}

/** One RE2 pattern that full-matches a value containing any of the fragments. */
export function containsAnyPattern(fragments: readonly string[]): string {
  return `.*(?:${fragments.join('|')}).*`;
}

/** The user-agent patterns for an OS and/or browser preset: one entry per alternative (ORed). */
export function userAgentPatterns(
  os: OsPreset | undefined,
  browser: BrowserPreset | undefined,
): Array<{ match: string; exclude: string | null }> {
  const osAlts: Array<UaAlternative | null> = os ? [...OS_PRESET_DEFINITIONS[os].alternatives] : [null];
  const brAlts: Array<UaAlternative | null> = browser
    ? [...BROWSER_PRESET_DEFINITIONS[browser].alternatives]
    : [null];
  const out: Array<{ match: string; exclude: string | null }> = [];
  for (const a of osAlts) {
    for (const b of brAlts) {
      const required = [a, b].filter((x): x is UaAlternative => x !== null).map((x) => x.require);
      if (required.length === 0) continue;
      const excluded = [...new Set([...(a?.exclude ?? []), ...(b?.exclude ?? [])])];
      out.push({
        match: containsAllPattern(required),
        exclude: excluded.length ? containsAnyPattern(excluded) : null,
      });
    }
  }
  return out;
}
