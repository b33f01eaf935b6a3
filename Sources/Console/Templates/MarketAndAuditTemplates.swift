/// The market page (candles of any instrument and interval) and the admin's users and audit page.
enum MarketAndAuditTemplates {
    static let market = #"""
<h1>Market</h1>
<form class="filters" method="get" action="/market">
  <label>Instrument <input name="instrument" value="{{instrument}}" list="instruments" size="18"></label>
  <datalist id="instruments">{{#instruments}}<option value="{{value}}">{{/instruments}}</datalist>
  <label>Interval <select name="interval">{{#intervals}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/intervals}}</select></label>
  <label>Last <select name="window">{{#windows}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/windows}}</select></label>
  <button type="submit">Show</button>
</form>
<p class="facts"><span><b>{{count}}</b> bars from <b>{{source}}</b></span></p>
<div class="charts"><figure>{{{chartSVG}}}</figure></div>
<h2>Newest bars</h2>
<div class="scroll"><table><thead><tr><th>Open time (UTC)</th><th class="num">Open</th><th class="num">High</th><th class="num">Low</th><th class="num">Close</th><th class="num">Volume</th></tr></thead><tbody>
{{#bars}}<tr><td>{{time}}</td><td class="num">{{open}}</td><td class="num">{{high}}</td><td class="num">{{low}}</td><td class="num">{{close}}</td><td class="num">{{volume}}</td></tr>{{/bars}}
{{^bars}}<tr><td colspan="6" class="muted">no bars</td></tr>{{/bars}}
</tbody></table></div>
"""#

    static let audit = #"""
<h1>Users and audit log</h1>
<div class="scroll"><table id="users"><thead><tr><th>User</th><th>Email</th><th>Role</th><th>Active</th><th>Two-factor</th></tr></thead><tbody>
{{#users}}<tr><td>{{username}}</td><td>{{email}}</td><td>{{role}}</td><td>{{active}}</td><td>{{twoFactor}}</td></tr>{{/users}}
</tbody></table></div>
<p class="muted">Users and passwords are managed with <code>runtime users add|passwd|totp</code>.</p>
<h2>Newest audit rows</h2>
<div class="scroll"><table id="audit"><thead><tr><th>Time (UTC)</th><th>Action</th><th>User</th><th>Outcome</th><th>Detail</th><th>From</th></tr></thead><tbody>
{{#audit}}<tr><td>{{time}}</td><td>{{action}}</td><td>{{user}}</td><td class="{{outcomeClass}}">{{outcome}}</td><td class="wrap">{{detail}}</td><td>{{origin}}</td></tr>{{/audit}}
</tbody></table></div>
"""#
}
