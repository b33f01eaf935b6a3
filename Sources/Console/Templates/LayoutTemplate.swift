/// The frame of every page: header with navigation and the user, a flash line, the body, the
/// stylesheet and the few lines of script for live updates (no build step, nothing fetched).
enum LayoutTemplate {
    static let text = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} · ea-okx console</title>
<style>{{> style}}</style>
</head>
<body>
<header>
  <strong class="brand">ea-okx</strong>
  {{#user}}
  <nav>
    <a href="/" {{#overview}}aria-current="page"{{/overview}}>Overview</a>
    <a href="/risk" {{#risk}}aria-current="page"{{/risk}}>Risk events</a>
    <a href="/market" {{#market}}aria-current="page"{{/market}}>Market</a>
    <a href="/audit" {{#audit}}aria-current="page"{{/audit}}>Audit</a>
  </nav>
  <span class="who">{{username}} <span class="role">{{role}}</span></span>
  <form method="post" action="/logout" class="inline">
    <input type="hidden" name="csrf" value="{{csrf}}">
    <button type="submit" class="link">Log out</button>
  </form>
  {{/user}}
</header>
<p id="flash" class="flash {{flashClass}}" role="status" {{^flash}}hidden{{/flash}}>{{flash}}</p>
<main>
{{{body}}}
</main>
<script>
(function () {
  var flash = document.getElementById('flash');
  function show(text, ok) {
    flash.textContent = text; flash.className = 'flash ' + (ok ? 'ok' : 'error'); flash.hidden = false;
  }
  var live = document.getElementById('live');
  if (live && window.EventSource) {
    var source = new EventSource(live.getAttribute('data-stream'));
    source.addEventListener('live', function (event) {
      live.innerHTML = event.data;
      document.body.setAttribute('data-live-updates', String(Number(document.body.getAttribute('data-live-updates') || 0) + 1));
    });
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.hasAttribute('data-confirm') && !window.confirm(form.getAttribute('data-confirm'))) { event.preventDefault(); return; }
    if (!form.hasAttribute('data-async') || !window.fetch) return;
    event.preventDefault();
    fetch(form.getAttribute('action'), { method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin',
                         headers: { 'X-Console-Request': 'fetch' } })
      .then(function (response) { return response.text().then(function (text) { show(text, response.ok); }); })
      .catch(function (error) { show('the console did not answer: ' + error, false); });
  });
})();
</script>
</body>
</html>
"""#
}
