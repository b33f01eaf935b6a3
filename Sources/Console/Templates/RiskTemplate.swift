/// The risk events page, and the events table it shares with the strategy page.
enum RiskTemplate {
    static let page = #"""
<h1>Risk events</h1>
<form class="filters" method="get" action="/risk">
  <label>Severity <select name="severity">{{#severities}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/severities}}</select></label>
  <label>Acknowledged <select name="acknowledged">{{#acknowledgement}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/acknowledgement}}</select></label>
  <button type="submit">Filter</button>
</form>
{{> risk-events}}
"""#

    static let events = #"""
<div class="scroll"><table class="risk-events"><thead><tr><th class="num">Id</th><th>Time (UTC)</th><th>Severity</th><th>Type</th><th>Strategy</th><th>Symbol</th><th>Description</th><th>Metric</th><th>Acknowledged</th></tr></thead><tbody>
{{#riskEvents}}
<tr data-event="{{id}}"><td class="num">{{id}}</td><td>{{time}}</td><td class="severity-{{severity}}">{{severity}}</td><td>{{type}}</td><td>{{strategy}}</td><td>{{symbol}}</td><td class="wrap">{{description}}</td><td>{{metric}}</td>
<td>{{#acknowledged}}{{acknowledgedAt}}{{/acknowledged}}{{^acknowledged}}<form class="inline" method="post" action="/risk/{{id}}/acknowledge"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Acknowledge</button></form>{{/acknowledged}}</td></tr>
{{/riskEvents}}
{{^riskEvents}}<tr><td colspan="9" class="muted">no risk events match</td></tr>{{/riskEvents}}
</tbody></table></div>
"""#
}
