/** The port a URL reaches: its own, else its scheme's default (443 for https, 80 otherwise). */
export function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}
