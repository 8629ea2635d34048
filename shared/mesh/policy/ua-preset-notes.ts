// What each user-agent preset catches and what it cannot, in words for the operator (the rules
// editor shows them beside the preset picker). They say what test/fixtures/user-agents measures.

import type { BrowserPreset, OsPreset } from './ua-presets.ts';

export interface PresetNote {
  catches: string;
  cannotCatch: string;
}

const CUSTOM_AGENTS =
  'apps that send an agent of their own naming no platform, and clients that change their agent';

export const OS_PRESET_NOTES: Readonly<Record<OsPreset, PresetNote>> = {
  android: {
    catches:
      'Android phones, tablets and TVs in any browser or web view, and Android apps using the default agents (Dalvik/…, okhttp/…); Kindle Fire (Silk).',
    cannotCatch: `${CUSTOM_AGENTS}. okhttp/… is also the default of Java and Kotlin services using OkHttp, which this catches too.`,
  },
  ios: {
    catches:
      'iPhone and iPod in any browser or web view, and iOS apps using the default agent (App/1 CFNetwork/… Darwin/…) or naming iOS (Alamofire).',
    cannotCatch: `iPad apps that do not name the iPad send the same agent as iPhone apps and are caught here, not by iPadOS; tvOS and watchOS apps look the same too; ${CUSTOM_AGENTS}.`,
  },
  ipados: {
    catches:
      'iPads whose agent says iPad: iPadOS before 13, browsers other than Safari in mobile mode, apps naming the iPad.',
    cannotCatch:
      'Safari on iPadOS 13 and later presents itself as a Mac by default (macOS catches it); iPad apps using the plain CFNetwork agent look like iPhone apps (iOS catches them).',
  },
  windows: {
    catches:
      'Windows PCs and tablets (Windows NT x.y, Win64, Win32, Windows 95–XP, Windows RT) in any browser, Electron apps and Windows system agents naming Windows.',
    cannotCatch: `Windows Phone, Windows CE and Xbox (not Windows PCs, by decision); ${CUSTOM_AGENTS}; crawlers that copy a Windows browser's agent are caught.`,
  },
  macos: {
    catches:
      'Macs in any browser, and macOS apps using the default agent, told from iOS by the architecture after Darwin/… (x86_64, arm64).',
    cannotCatch: `iPads in desktop mode (Safari on iPadOS 13+) send a Mac agent and are caught here; ${CUSTOM_AGENTS}.`,
  },
  linux: {
    catches: 'Desktop GNU/Linux (X11; Linux …, Ubuntu, Fedora, …) in any browser, and tools that name Linux.',
    cannotCatch:
      'Android, ChromeOS, TVs (webOS, Tizen, HbbTV, Google TV), Kindles and other Linux-based devices are not this preset; a Linux device that names none of them is caught.',
  },
  chromeos: {
    catches: 'Chromebooks (CrOS) in Chrome and in Android apps that keep the browser agent.',
    cannotCatch: `Android apps on a Chromebook that send Android's agent (Android catches them); ${CUSTOM_AGENTS}.`,
  },
};

export const BROWSER_PRESET_NOTES: Readonly<Record<BrowserPreset, PresetNote>> = {
  chrome: {
    catches: 'Chrome and Chromium on every platform, Chrome on iOS (CriOS) and headless Chrome.',
    cannotCatch:
      'Browsers built on Chrome that name themselves (Edge, Opera, Samsung Internet, Brave when it says so, Vivaldi, Yandex, …) and in-app web views.',
  },
  safari: {
    catches: 'Safari on macOS, iPhone and iPad.',
    cannotCatch:
      'Other iOS browsers (they all use WebKit but name themselves: CriOS, FxiOS, EdgiOS) and in-app web views without Version/….',
  },
  firefox: {
    catches: 'Firefox on every platform, and Firefox on iOS (FxiOS).',
    cannotCatch: 'Firefox forks that name themselves (Waterfox, LibreWolf, SeaMonkey, Focus/Klar, …).',
  },
  edge: {
    catches: 'Edge (Chromium and legacy) on every platform, EdgA and EdgiOS.',
    cannotCatch: 'Internet Explorer.',
  },
  opera: {
    catches: 'Opera, Opera GX, Opera Mini and Touch (OPR, OPT, OPiOS, Presto).',
    cannotCatch: 'Opera builds that hide their token.',
  },
  samsung: {
    catches: 'Samsung Internet (SamsungBrowser/…), phones and TVs.',
    cannotCatch: 'Samsung devices in Chrome or another browser.',
  },
};
