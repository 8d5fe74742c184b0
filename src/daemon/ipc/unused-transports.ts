// Stands in for `node:tls` and `node:dgram` inside node-ipc in the bundles (esbuild.mjs).
// Dormouse speaks only over a private Unix socket / named pipe; node-ipc imports TLS and UDP at
// its top level anyway, and loading `node:tls` alone costs ~7 MB of resident memory in an idle
// daemon. Any use is a bug, so it fails loudly instead of opening a network transport.
function unavailable(name: string): never {
  throw new Error(`dormouse: node-ipc tried to use ${name}, which Dormouse never configures (local sockets only)`);
}

const stub = {
  connect: () => unavailable('TLS'),
  createServer: () => unavailable('TLS'),
  createSocket: () => unavailable('UDP'),
};

export default stub;
export const connect = stub.connect;
export const createServer = stub.createServer;
export const createSocket = stub.createSocket;
