/// The overview page; its live part (`live`) is also what the event stream pushes.
enum OverviewTemplate {
    static let page = #"""
<h1>Overview</h1>
<div id="live" data-stream="/events/overview">{{> live}}</div>
<h2>Kill switch</h2>
<form method="post" action="/halt-all" data-confirm="Halt every trading strategy now?">
  <input type="hidden" name="csrf" value="{{csrf}}">
  <button type="submit" class="danger">Halt all strategies</button>
  <span class="muted">admin or risk officer; halted strategies stay halted until resumed</span>
</form>
"""#

    static let live = #"""
<p class="facts"><span>last change seen <b>{{generatedAt}}</b> UTC</span><span>database <b>{{database}}</b></span>
{{#hasGlobalEvents}}<span class="halted">{{unacknowledgedGlobal}} unacknowledged global risk event(s)</span>{{/hasGlobalEvents}}</p>
<h2>Strategies</h2>
<div class="scroll"><table id="strategies">
<thead><tr><th>Strategy</th><th>State</th><th class="num">Realized today</th><th class="num">Unrealized</th><th>Actions</th><th>Position</th><th class="num">Open risk events</th><th class="num">Trades today</th><th>Mode</th><th>Instruments</th></tr></thead>
<tbody>
{{#strategies}}
<tr data-strategy="{{name}}">
  <td><a href="{{path}}">{{name}}</a></td>
  <td><span class="badge state {{statusClass}}">{{status}}</span></td>
  <td class="num {{realizedClass}}">{{realizedToday}}</td><td class="num {{unrealizedClass}}">{{unrealized}}</td>
  <td>
    {{#canPause}}<form class="inline" method="post" action="{{path}}/pause" data-async><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" value="pause">Pause</button></form>{{/canPause}}
    {{#canResume}}<form class="inline" method="post" action="{{path}}/resume" data-async><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" value="resume">Resume</button></form>{{/canResume}}
  </td>
  <td>{{position}}</td>
  <td class="num">{{#hasEvents}}<a class="halted" href="/risk?acknowledged=no">{{unacknowledged}}</a>{{/hasEvents}}{{^hasEvents}}0{{/hasEvents}}</td>
  <td class="num">{{tradesToday}}</td><td>{{mode}}</td><td>{{instruments}}</td>
</tr>
{{/strategies}}
{{#noStrategies}}<tr><td colspan="10" class="muted">No strategy is deployed; `runtime deploy` deploys one.</td></tr>{{/noStrategies}}
</tbody></table></div>
{{#hasHiddenBacktesting}}<p class="muted" id="hidden-backtesting">{{hiddenBacktesting}}; `runtime status --backtesting` lists them.</p>{{/hasHiddenBacktesting}}
<h2>Hosts and feed</h2>
<div class="scroll"><table id="hosts">
<thead><tr><th>Host</th><th>Mode</th><th>State</th><th class="num">Heartbeat age</th><th>Feed</th><th class="num">Lag</th><th class="num">Messages</th><th class="num">Reconnects</th><th>Strategies</th></tr></thead>
<tbody>
{{#hosts}}
<tr><td>{{name}}</td><td>{{mode}}</td><td><span class="badge {{stateClass}}">{{state}}</span></td><td class="num">{{heartbeatAge}}</td>
<td><span class="{{feedClass}}">{{feed}}</span></td><td class="num">{{lagMs}}</td><td class="num">{{messageRate}}</td><td class="num">{{reconnects}}</td><td>{{strategies}}</td></tr>
{{/hosts}}
{{#noHosts}}<tr><td colspan="9" class="muted">No host has run today; `runtime run` starts one.</td></tr>{{/noHosts}}
</tbody></table></div>
<div class="charts">
<div><h2>Data quality today</h2><div class="scroll"><table><thead><tr><th>Counter</th><th>Instrument · reason</th><th class="num">Total</th></tr></thead><tbody>
{{#dataQuality}}<tr><td>{{name}}</td><td>{{detail}}</td><td class="num">{{value}}</td></tr>{{/dataQuality}}
{{^dataQuality}}<tr><td colspan="3" class="muted">nothing recorded today</td></tr>{{/dataQuality}}
</tbody></table></div></div>
<div><h2>Writer queues</h2><div class="scroll"><table><thead><tr><th>Metric</th><th>Unit</th><th class="num">Latest</th></tr></thead><tbody>
{{#writer}}<tr><td>{{name}}</td><td>{{detail}}</td><td class="num">{{value}}</td></tr>{{/writer}}
{{^writer}}<tr><td colspan="3" class="muted">no writer metrics in the last day</td></tr>{{/writer}}
</tbody></table></div></div>
</div>
"""#
}
