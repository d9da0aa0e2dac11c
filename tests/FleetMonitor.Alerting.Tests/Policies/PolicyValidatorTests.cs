using FleetMonitor.Alerting.Policies;

namespace FleetMonitor.Alerting.Tests.Policies;

public sealed class PolicyValidatorTests
{
    [Fact]
    public void The_default_policy_is_valid_and_round_trips_through_its_json()
    {
        var json = PolicyJson.Serialize(DefaultPolicy.Create());
        var (policy, errors) = PolicyJson.Parse(json);
        Assert.Empty(errors);
        Assert.Equal(json, PolicyJson.Serialize(policy!));
    }

    [Fact]
    public void An_unknown_rule_kind_is_named_by_its_path()
    {
        var (policy, errors) = PolicyJson.Parse("""
            {"schemaVersion":1,"rules":[{"id":"a","kind":"probe_ok","class":"broken","severity":"critical","probeKind":"tcp"},
                                        {"id":"b","kind":"port_scan","class":"exposed","severity":"critical"}]}
            """);
        Assert.Null(policy);
        Assert.Contains("Unknown rule kind 'port_scan'", Assert.Single(errors["rules[1].kind"]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_threshold_a_bad_operator_and_a_bad_port_are_each_named()
    {
        var (policy, errors) = PolicyJson.Parse("""
            {"schemaVersion":1,"rules":[
              {"id":"mos","kind":"measurement","class":"broken","severity":"warning","probeKind":"media","measurement":"mos_plc","op":"=>","value":-3.6},
              {"id":"ports","kind":"ports_closed","class":"exposed","severity":"critical","ports":["5060/udp","70000/tcp","abc"]}]}
            """);
        Assert.Null(policy);
        Assert.Equal(["rules[0].op", "rules[0].value", "rules[1].ports[1]", "rules[1].ports[2]"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Unknown_members_and_settings_of_another_kind_are_refused()
    {
        var (_, unknown) = PolicyJson.Parse("""{"schemaVersion":1,"rules":[],"renotify":5}""");
        Assert.Contains("renotify", Assert.Single(unknown).Value[0], StringComparison.Ordinal);

        var (_, misplaced) = PolicyJson.Parse("""
            {"schemaVersion":1,"rules":[{"id":"a","kind":"probe_ok","class":"broken","severity":"critical","probeKind":"tcp","ports":["*"]}]}
            """);
        Assert.Equal("Not a setting of a probe_ok rule.", Assert.Single(misplaced["rules[0].ports"]));
    }

    [Fact]
    public void Hysteresis_failures_cannot_exceed_the_window_and_rule_ids_are_unique()
    {
        var (_, errors) = PolicyJson.Parse("""
            {"schemaVersion":1,"hysteresis":{"failures":6,"window":5},"rules":[
              {"id":"a","kind":"finding","class":"broken","severity":"info","pattern":"sip.alg.*"},
              {"id":"a","kind":"finding","class":"nope","severity":"info","pattern":"x"}]}
            """);
        Assert.Equal(["hysteresis.failures", "rules[1].class", "rules[1].id"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Broken_json_names_the_body_and_a_wrong_type_names_the_field()
    {
        Assert.Contains("body", PolicyJson.Parse("{\"schemaVersion\":1,").Errors.Keys);
        Assert.Contains("rules[0].value", PolicyJson.Parse("""{"schemaVersion":1,"rules":[{"value":"high"}]}""").Errors.Keys);
    }
}
