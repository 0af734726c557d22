// Sightline desk: refresh the queue's rows every 5 seconds (new reports appear
// without a reload). The page works without this script; it is just not live.
const body = document.getElementById('queue-rows');
const status = document.getElementById('live-status');
async function refresh() {
  try {
    const res = await fetch(`/desk/rows?${body.dataset.query}`, { credentials: 'same-origin' });
    if (res.ok) {
      body.innerHTML = await res.text();
      status.textContent = status.dataset.live + ' ' + new Date().toLocaleTimeString();
    } else if (res.status === 401 || res.redirected) {
      status.textContent = status.dataset.signin;
    }
  } catch {
    status.textContent = status.dataset.offline;
  }
}
setInterval(refresh, 5000);
