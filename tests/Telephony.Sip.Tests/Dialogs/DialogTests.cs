using Telephony.Sip.Dialogs;

namespace Telephony.Sip.Tests.Dialogs;

public sealed class DialogTests
{
    private static Dialog Uac(int status, params string[] recordRoutes) =>
        Dialog.CreateAsUac("c1", "lt", "rt", "<sip:alice@a>", "<sip:bob@b>", 1, status, "<sip:bob@10.0.0.2:5062>", recordRoutes);

    [Test]
    public void Uac_route_set_is_record_route_reversed_and_loose_routing_keeps_remote_target()
    {
        var d = Uac(200, "<sip:p2.example;lr>", "<sip:p1.example;lr>");
        Assert.That(d.State, Is.EqualTo(DialogState.Confirmed));
        var t = d.ComputeRequestTarget();
        Assert.That(t.RequestUri, Is.EqualTo("sip:bob@10.0.0.2:5062"));
        Assert.That(t.Routes, Is.EqualTo(new[] { "<sip:p1.example;lr>", "<sip:p2.example;lr>" }));
        Assert.That(t.NextHop, Is.EqualTo("sip:p1.example;lr"));
    }

    [Test]
    public void Uas_route_set_keeps_record_route_order_and_comma_lists_are_split()
    {
        var d = Dialog.CreateAsUas("c1", "lt", "rt", "<sip:bob@b>", "<sip:alice@a>", 7, "<sip:alice@10.0.0.1>",
            ["<sip:p2.example;lr>, \"x,y\" <sip:p1.example;lr>"], confirmed: true);
        Assert.That(d.RouteSet.Select(r => r.Uri), Is.EqualTo(new[] { "sip:p2.example;lr", "sip:p1.example;lr" }));
        Assert.That(d.RemoteSeq, Is.EqualTo(7u));
    }

    [Test]
    public void Strict_router_becomes_request_uri_and_remote_target_is_the_last_route()
    {
        var d = Uac(200, "<sip:p2.example;lr>", "<sip:p1.example>");
        var t = d.ComputeRequestTarget();
        Assert.That(t.RequestUri, Is.EqualTo("sip:p1.example"));
        Assert.That(t.Routes, Is.EqualTo(new[] { "<sip:p2.example;lr>", "<sip:bob@10.0.0.2:5062>" }));
    }

    [Test]
    public void No_route_set_sends_straight_to_remote_target()
    {
        var t = Uac(200).ComputeRequestTarget();
        Assert.That((t.RequestUri, t.Routes.Count, t.NextHop), Is.EqualTo(("sip:bob@10.0.0.2:5062", 0, "sip:bob@10.0.0.2:5062")));
    }

    [Test]
    public void Early_dialog_is_confirmed_by_2xx_which_recomputes_route_set_and_target()
    {
        var d = Uac(180, "<sip:old;lr>");
        Assert.That(d.State, Is.EqualTo(DialogState.Early));
        d.OnInviteResponse(200, "<sip:bob@10.0.0.9>", ["<sip:new;lr>"]);
        Assert.That(d.State, Is.EqualTo(DialogState.Confirmed));
        Assert.That(d.RouteSet.Single().Uri, Is.EqualTo("sip:new;lr"));
        Assert.That(d.RemoteTarget, Is.EqualTo("<sip:bob@10.0.0.9>"));
    }

    [Test]
    public void Failure_ends_an_early_dialog()
    {
        var d = Uac(183);
        d.OnInviteResponse(486, null, []);
        Assert.That(d.State, Is.EqualTo(DialogState.Terminated));
    }

    [Test]
    public void Local_cseq_increases_and_out_of_order_remote_cseq_is_refused()
    {
        var d = Uac(200);
        Assert.That(d.NextLocalSeq(), Is.EqualTo(2u));
        Assert.That(d.NextLocalSeq(), Is.EqualTo(3u));
        Assert.That(d.AcceptRemoteSeq(10), Is.True);
        Assert.That(d.AcceptRemoteSeq(9), Is.False);
        Assert.That(d.AcceptRemoteSeq(11), Is.True);
        Assert.That(d.RemoteSeq, Is.EqualTo(11u));
    }

    [Test]
    public void Target_refresh_changes_remote_target_only()
    {
        var d = Uac(200, "<sip:p1;lr>");
        d.UpdateRemoteTarget("<sip:bob@10.9.9.9:5070;transport=tcp>");
        var t = d.ComputeRequestTarget();
        Assert.That(t.RequestUri, Is.EqualTo("sip:bob@10.9.9.9:5070;transport=tcp"));
        Assert.That(t.NextHop, Is.EqualTo("sip:p1;lr"));
    }
}
