/**
 * The URL with the password in it, for node-postgres only (never stored, shown or logged): pg lets
 * a connection string's fields override the config's, and a URL without a password parses as
 * password '' (pg-connection-string), so a password given beside `connectionString` is dropped.
 */
export function connectionStringWithPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const match = /^(postgres(?:ql)?:\/\/)([^/?#]*)(.*)$/is.exec(url);
  if (!match) return url;
  const [, scheme, authority = '', rest] = match;
  const at = authority.lastIndexOf('@');
  const user = at >= 0 ? authority.slice(0, at) : '';
  return `${scheme}${user}:${encodeURIComponent(password)}@${authority.slice(at + 1)}${rest}`;
}
