/** Closes a `ws` socket whatever its state, without its owner's listeners (which would reconnect). */
export function quietClose(socket) {
  if (!socket) return;
  socket.removeAllListeners();
  socket.on('error', () => {});
  socket.terminate();
}
