/** Test certificates for TLS: a throwaway CA and a server certificate for localhost and 127.0.0.1, made with openssl. */

/** PEM texts of one test PKI, and the directory holding them (removed on dispose). */
export interface TestPki extends AsyncDisposable {
  dir: string;
  caCert: string;
  cert: string;
  key: string;
  /** A second CA that signed nothing we use: trusting only it must fail. */
  otherCaCert: string;
}

/** Whether openssl is installed. */
export const HAS_OPENSSL: boolean = (() => {
  try {
    return new Deno.Command("openssl", { args: ["version"], stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
})();

async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
}

/** Makes a CA, a server key and a certificate signed by the CA (valid one day). */
export async function makeTestPki(): Promise<TestPki> {
  const dir = await Deno.makeTempDir({ prefix: "zmq-ts-tls-" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=zmq-ts test CA",
  ]);
  await openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "other.key",
    "-out",
    "other.pem",
    "-days",
    "1",
    "-subj",
    "/CN=other CA",
  ]);
  await openssl(dir, ["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"]);
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n" +
      "subjectAltName=DNS:localhost,IP:127.0.0.1\n",
  );
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "1",
    "-extfile",
    "ext.cnf",
  ]);
  const read = (name: string) => Deno.readTextFile(`${dir}/${name}`);
  return {
    dir,
    caCert: await read("ca.pem"),
    otherCaCert: await read("other.pem"),
    cert: await read("server.pem"),
    key: await read("server.key"),
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}
