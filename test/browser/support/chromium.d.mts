export const CHROMIUM_PATH: string;
export const INSTALL_CHROMIUM: string;
export function browserSuitesRequired(env?: NodeJS.ProcessEnv): boolean;
export function browserSuitesSkipped(env?: NodeJS.ProcessEnv): string | undefined;
