// The kubelet's image pull policy rules: pkg/apis/core/v1/defaults.go (SetDefaults_Container), pkg/util/parsers/
// parsers.go (ParseImageName), pkg/kubelet/images/image_manager.go (shouldPullImage).

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

export interface ImageName {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/**
 * parsers.go ParseImageName (docker reference ParseNormalizedNamed): the repository normalized to docker.io and
 * library/, the tag ("latest" when neither tag nor digest is given) and the digest; null for a name that does
 * not parse (e.g. upper case in the repository). IPv6 registry hosts are not recognised.
 */
export function parseImageName(image: string): ImageName | null {
  const at = image.indexOf('@');
  const digest = at >= 0 ? image.slice(at + 1) : '';
  const named = at >= 0 ? image.slice(0, at) : image;
  if (at >= 0 && !DIGEST.test(digest)) return null;
  const colon = named.lastIndexOf(':');
  const hasTag = colon > named.lastIndexOf('/');
  const name = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon + 1) : '';
  if (hasTag && !TAG.test(tag)) return null;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first);
  let domain = isDomain ? first : 'docker.io';
  let path = isDomain ? name.slice(slash + 1) : name;
  if (domain === 'index.docker.io') domain = 'docker.io';
  if (domain === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  if (!DOMAIN.test(domain) || !path.split('/').every((c) => PATH_COMPONENT.test(c))) return null;
  return { repository: `${domain}/${path}`, tag: tag === '' && digest === '' ? 'latest' : tag, digest };
}

/** defaults.go SetDefaults_Container: an unset imagePullPolicy is Always for the tag "latest" (or none), else IfNotPresent. */
export function setDefaultsContainerImagePullPolicy(image: string, imagePullPolicy?: PullPolicy): PullPolicy {
  if (imagePullPolicy) return imagePullPolicy;
  return parseImageName(image)?.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** image_manager.go shouldPullImage, for an image pulled without credentials: Never never, Always always, IfNotPresent when absent. */
export function shouldPullImage(pullPolicy: PullPolicy, imagePresent: boolean): boolean {
  return pullPolicy === 'Always' || (pullPolicy === 'IfNotPresent' && !imagePresent);
}
