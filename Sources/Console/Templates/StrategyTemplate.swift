/// One strategy's page.
enum StrategyTemplate {
    static let text = #"""
<h1>{{name}} <span class="badge state {{statusClass}}">{{status}}</span></h1>
<p class="facts"><span>mode <b>{{mode}}</b></span><span>instruments <b>{{instruments}}</b></span><span>capital <b>{{capital}}</b></span>
<span>realized today <b>{{realizedToday}}</b></span><span>unrealized <b>{{unrealized}}</b></span>
{{#canPause}}<form class="inline" method="post" action="{{path}}/pause"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Pause</button></form>{{/canPause}}
{{#canResume}}<form class="inline" method="post" action="{{path}}/resume"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Resume</button></form>{{/canResume}}
</p>
<div class="charts"><figure>{{{equitySVG}}}</figure><figure>{{{drawdownSVG}}}</figure></div>
<h2>Risk limits</h2>
<div class="scroll"><table class="limits"><thead><tr><th>Limit</th><th class="num">Used</th><th class="num">Limit</th><th>Usage</th></tr></thead><tbody>
{{#limits}}<tr data-limit="{{name}}"><td>{{name}}</td><td class="num">{{used}}</td><td class="num">{{limit}}</td>
<td>{{#hasUsage}}<span class="meter" role="meter" aria-valuenow="{{percent}}" aria-valuemin="0" aria-valuemax="100"><span class="fill {{level}}" style="width: {{percent}}%"></span></span> {{percent}}%{{/hasUsage}}</td></tr>{{/limits}}
{{^limits}}<tr><td colspan="4" class="muted">no risk limits recorded for this deployment</td></tr>{{/limits}}
</tbody></table></div>
<h2>Positions</h2>
<div class="scroll"><table><thead><tr><th>Mode</th><th>Instrument</th><th>Side</th><th class="num">Quantity</th><th class="num">Entry</th><th class="num">Price</th><th class="num">Unrealized</th><th class="num">Realized</th></tr></thead><tbody>
{{#positions}}<tr><td>{{mode}}</td><td>{{instrument}}</td><td>{{side}}</td><td class="num">{{quantity}}</td><td class="num">{{entry}}</td><td class="num">{{price}}</td><td class="num {{unrealizedClass}}">{{unrealized}}</td><td class="num">{{realized}}</td></tr>{{/positions}}
{{^positions}}<tr><td colspan="8" class="muted">flat</td></tr>{{/positions}}
</tbody></table></div>
<h2>Open orders</h2>
{{> orders-open}}
<h2>Recent trades</h2>
{{> orders-recent}}
<h2>Risk events</h2>
{{> risk-events}}
<h2>Audit trail</h2>
<div class="scroll"><table><thead><tr><th>Time (UTC)</th><th>Action</th><th>User</th><th>Outcome</th><th>Detail</th><th>From</th></tr></thead><tbody>
{{#audit}}<tr><td>{{time}}</td><td>{{action}}</td><td>{{user}}</td><td class="{{outcomeClass}}">{{outcome}}</td><td class="wrap">{{detail}}</td><td>{{origin}}</td></tr>{{/audit}}
{{^audit}}<tr><td colspan="6" class="muted">no audit rows</td></tr>{{/audit}}
</tbody></table></div>
"""#

    static func orders(_ key: String, empty: String) -> String {
        #"""
<div class="scroll"><table><thead><tr><th>Time (UTC)</th><th>Mode</th><th>Instrument</th><th>Side</th><th>Type</th><th class="num">Quantity</th><th class="num">Filled</th><th class="num">Price</th><th>Status</th><th class="num">PnL</th></tr></thead><tbody>
{{#\#(key)}}<tr><td>{{time}}</td><td>{{mode}}</td><td>{{instrument}}</td><td>{{side}}</td><td>{{type}}</td><td class="num">{{quantity}}</td><td class="num">{{filled}}</td><td class="num">{{price}}</td><td>{{status}}</td><td class="num {{pnlClass}}">{{pnl}}</td></tr>{{/\#(key)}}
{{^\#(key)}}<tr><td colspan="10" class="muted">\#(empty)</td></tr>{{/\#(key)}}
</tbody></table></div>
"""#
    }
}
