// Until the app's wasm runs, the page says it is loading; if the wasm cannot be loaded (the
// network dropped, a download was cut short, the server refused it) it says so, instead of staying
// blank. A classic script in the head: its listeners are in place before the loader starts.

let started = false;
addEventListener('TrunkApplicationStarted', () => {
  started = true;
  document.getElementById('boot')?.remove();
}, { once: true });

const fail = (reason) => {
  const note = document.getElementById('boot');
  if (started || !note) return;
  note.textContent = `Basis could not load its program (${reason}). Check the connection and reload the page.`;
  note.setAttribute('role', 'alert');
  note.classList.add('message');
};
addEventListener('error', (event) => fail(event.message || 'an unknown error'));
addEventListener('unhandledrejection', (event) => fail(event.reason?.message ?? String(event.reason)));
