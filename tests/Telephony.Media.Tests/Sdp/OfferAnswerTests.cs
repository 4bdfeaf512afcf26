namespace Telephony.Media.Tests.Sdp;

public class OfferAnswerTests
{
    private static SdpNegotiator Negotiator(SdpNegotiatorOptions? options = null) =>
        new(options ?? new SdpNegotiatorOptions(), IPAddress.Parse("10.1.1.1"), 30000);

    private static string Offer(string media, string session = "c=IN IP4 192.0.2.10\r\n") =>
        "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\n" + session + "t=0 0\r\n" + media;

    [Test]
    public void Answers_with_the_offerers_first_supported_codec_and_its_telephone_event_pt()
    {
        var r = Negotiator().Answer(Offer("m=audio 5004 RTP/AVP 18 8 0 96 97\r\na=rtpmap:96 telephone-event/8000\r\na=rtpmap:97 telephone-event/16000\r\na=fmtp:96 0-16\r\na=ptime:30\r\n"));
        Assert.That(r.Success, Is.True, r.Error);
        var a = r.Audio!;
        Assert.That(a.EncodingName, Is.EqualTo("PCMA"));
        Assert.That(a.PayloadType, Is.EqualTo(8));
        Assert.That(a.TelephoneEventPayloadType, Is.EqualTo(96));
        Assert.That(a.PeerTelephoneEventPayloadTypes, Is.EqualTo(new[] { 96, 97 }));
        Assert.That(a.IsTelephoneEvent(97), Is.True);
        Assert.That(a.PeerPtime, Is.EqualTo(30));
        Assert.That(a.RemoteRtp, Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5004)));
        Assert.That(a.RemoteRtcp, Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.0.2.10"), 5005)));
        Assert.That(a.LocalDirection, Is.EqualTo(MediaDirection.SendRecv));

        var m = r.Answer!.MediaDescriptions.Single();
        Assert.That(m.Port, Is.EqualTo(30000));
        Assert.That(m.Formats, Is.EqualTo(new[] { "8", "96" }));
        Assert.That(m.GetFmtp(96), Is.EqualTo("0-16"));
        Assert.That(m.Ptime, Is.EqualTo(20));
        Assert.That(r.Answer.Connection!.Address, Is.EqualTo("10.1.1.1"));
        Assert.That(SdpParser.Parse(r.Answer.ToString()).Success, Is.True);
    }

    [Test]
    public void Static_payload_types_need_no_rtpmap_and_rtpmap_case_does_not_matter()
    {
        var r = Negotiator().Answer(Offer("m=audio 5004 RTP/AVP 9 101\r\na=rtpmap:101 TELEPHONE-EVENT/8000\r\n"));
        Assert.That(r.Audio!.EncodingName, Is.EqualTo("G722"));
        Assert.That(r.Audio.TelephoneEventPayloadType, Is.EqualTo(101));

        var lower = Negotiator().Answer(Offer("m=audio 5004 RTP/AVP 110\r\na=rtpmap:110 pcmu/8000\r\n"));
        Assert.That(lower.Audio!.EncodingName, Is.EqualTo("PCMU"));
        Assert.That(lower.Audio.PayloadType, Is.EqualTo(110));
    }

    [Test]
    public void Real_phone_offers_negotiate()
    {
        var odd = Negotiator().Answer(SdpParserTests.OddPhone);
        Assert.That(odd.Success, Is.True, odd.Error);
        Assert.That(odd.Audio!.EncodingName, Is.EqualTo("PCMA"));
        Assert.That(odd.Audio.TelephoneEventPayloadType, Is.EqualTo(96));
        Assert.That(odd.Audio.RemoteRtp, Is.EqualTo(new IPEndPoint(IPAddress.Parse("10.0.0.6"), 6000)));
        Assert.That(odd.Audio.RemoteRtcp, Is.EqualTo(new IPEndPoint(IPAddress.Parse("10.0.0.6"), 6011)));

        var yealink = Negotiator().Answer(SdpParserTests.Yealink);
        Assert.That(yealink.Audio!.EncodingName, Is.EqualTo("PCMU"));

        var v6 = new SdpNegotiator(new SdpNegotiatorOptions(), IPAddress.IPv6Loopback, 30000).Answer(SdpParserTests.Ipv6);
        Assert.That(v6.Audio!.RemoteRtp, Is.EqualTo(new IPEndPoint(IPAddress.Parse("2001:db8::1"), 40000)));
        Assert.That(v6.Answer!.Connection!.AddrType, Is.EqualTo("IP6"));
    }

    [Test]
    public void A_wideband_only_telephone_event_is_not_agreed_for_8000_hz_codecs()
    {
        var r = Negotiator().Answer(Offer("m=audio 5004 RTP/AVP 0 97\r\na=rtpmap:97 telephone-event/16000\r\n"));
        Assert.That(r.Audio!.TelephoneEventPayloadType, Is.Null);
        Assert.That(r.Audio.PeerTelephoneEventPayloadTypes, Is.EqualTo(new[] { 97 }));
        Assert.That(r.Answer!.MediaDescriptions[0].Formats, Is.EqualTo(new[] { "0" }));
    }

    [TestCase("sendonly", MediaDirection.RecvOnly)]
    [TestCase("recvonly", MediaDirection.SendOnly)]
    [TestCase("inactive", MediaDirection.Inactive)]
    [TestCase("sendrecv", MediaDirection.SendRecv)]
    public void Mirrors_hold_directions(string offered, MediaDirection expected)
    {
        var r = Negotiator().Answer(Offer($"m=audio 5004 RTP/AVP 0\r\na={offered}\r\n"));
        Assert.That(r.Audio!.LocalDirection, Is.EqualTo(expected));
        Assert.That(r.Answer!.MediaDescriptions[0].GetDirection(), Is.EqualTo(expected));
    }

    [Test]
    public void Session_level_direction_applies_and_our_own_wish_limits_the_answer()
    {
        var r = Negotiator().Answer(Offer("m=audio 5004 RTP/AVP 0\r\n", "c=IN IP4 192.0.2.10\r\na=sendonly\r\n"));
        Assert.That(r.Audio!.LocalDirection, Is.EqualTo(MediaDirection.RecvOnly));

        var weHold = Negotiator().Answer(Offer("m=audio 5004 RTP/AVP 0\r\n"), MediaDirection.SendOnly);
        Assert.That(weHold.Audio!.LocalDirection, Is.EqualTo(MediaDirection.SendOnly));
        Assert.That(weHold.Audio.RemoteHold, Is.False);
    }

    [Test]
    public void Old_style_hold_with_null_address_stops_sending()
    {
        var r = Negotiator().Answer(Offer("m=audio 5004 RTP/AVP 0\r\n", "c=IN IP4 0.0.0.0\r\n"));
        Assert.That(r.Success, Is.True, r.Error);
        Assert.That(r.Audio!.RemoteRtp, Is.Null);
        Assert.That(r.Audio.LocalDirection, Is.EqualTo(MediaDirection.RecvOnly));
        Assert.That(r.Audio.RemoteHold, Is.True);
    }

    [Test]
    public void Answers_every_m_line_and_rejects_what_we_do_not_support()
    {
        var r = Negotiator().Answer(Offer(
            "m=video 5006 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n" +
            "m=audio 5008 RTP/SAVP 0\r\n" +
            "m=audio 5004 RTP/AVP 0\r\n" +
            "m=audio 5010 RTP/AVP 8\r\n" +
            "m=audio 0 RTP/AVP 0\r\n"));
        Assert.That(r.Success, Is.True, r.Error);
        var ms = r.Answer!.MediaDescriptions;
        Assert.That(ms.Select(m => m.Port), Is.EqualTo(new[] { 0, 0, 30000, 0, 0 }));
        Assert.That(ms.Select(m => m.Media), Is.EqualTo(new[] { "video", "audio", "audio", "audio", "audio" }));
        Assert.That(ms[1].Protocol, Is.EqualTo("RTP/SAVP"));
        Assert.That(ms.All(m => m.Formats.Count > 0), Is.True);
        Assert.That(r.Audio!.MediaIndex, Is.EqualTo(2));
        Assert.That(r.Audio.RemoteRtp!.Port, Is.EqualTo(5004));
    }

    [Test]
    public void Media_level_connection_overrides_session_level()
    {
        var r = Negotiator().Answer(Offer("m=audio 5004 RTP/AVP 0\r\nc=IN IP4 198.51.100.7\r\n"));
        Assert.That(r.Audio!.RemoteRtp!.Address, Is.EqualTo(IPAddress.Parse("198.51.100.7")));
    }

    [TestCase("m=audio 5004 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n", "no codec we support")]
    [TestCase("m=audio 5004 RTP/AVP 96\r\na=rtpmap:96 PCMU/16000\r\n", "no codec we support")]
    [TestCase("m=video 5004 RTP/AVP 0\r\n", "not audio")]
    [TestCase("m=audio 0 RTP/AVP 0\r\n", "port 0")]
    public void Refuses_offers_without_a_usable_stream(string media, string reason)
    {
        var r = Negotiator().Answer(Offer(media));
        Assert.That(r.Success, Is.False);
        Assert.That(r.Error, Does.Contain("no acceptable audio stream").And.Contain(reason));
    }

    [Test]
    public void Missing_connection_and_hostile_bodies_are_errors_not_exceptions()
    {
        Assert.That(Negotiator().Answer(Offer("m=audio 5004 RTP/AVP 0\r\n", "")).Error, Does.Contain("no c= line"));
        Assert.That(Negotiator().Answer(Offer("m=audio 5004 RTP/AVP 0\r\n", "c=IN IP4 media.example.com\r\n")).Error, Does.Contain("host name"));
        Assert.That(Negotiator().Answer(SdpParserTests.Ipv6).Error, Does.Contain("IPv6"));
        Assert.That(Negotiator().Answer("garbage").Error, Does.Contain("SDP line 1"));
        Assert.That(Negotiator().Answer(Offer("")).Error, Does.Contain("no m= line"));
    }

    [Test]
    public void Re_invite_with_a_new_address_updates_the_remote_and_our_version_follows_changes()
    {
        var n = Negotiator();
        var first = n.Answer(Offer("m=audio 5004 RTP/AVP 0\r\n"));
        ulong v1 = first.Answer!.Origin.SessionVersion;

        var same = n.Answer(Offer("m=audio 5004 RTP/AVP 0\r\n"));
        Assert.That(same.Answer!.Origin.SessionVersion, Is.EqualTo(v1), "unchanged SDP keeps its version (RFC 3264 §8)");

        var moved = n.Answer(Offer("m=audio 7000 RTP/AVP 0\r\n", "c=IN IP4 203.0.113.9\r\n"));
        Assert.That(moved.Audio!.RemoteRtp, Is.EqualTo(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 7000)));
        Assert.That(moved.Answer!.Origin.SessionVersion, Is.EqualTo(v1), "our side did not change");

        var hold = n.Answer(Offer("m=audio 7000 RTP/AVP 0\r\na=sendonly\r\n", "c=IN IP4 203.0.113.9\r\n"));
        Assert.That(hold.Answer!.Origin.SessionVersion, Is.EqualTo(v1 + 1));
        Assert.That(hold.Answer.Origin.SessionId, Is.EqualTo(first.Answer.Origin.SessionId));
    }

    [Test]
    public void Our_offer_and_the_peers_answer()
    {
        var n = Negotiator();
        var offer = n.CreateOffer();
        var m = offer.MediaDescriptions.Single();
        Assert.That(m.Formats, Is.EqualTo(new[] { "0", "8", "9", "101" }));
        Assert.That(m.GetDirection(), Is.EqualTo(MediaDirection.SendRecv));
        Assert.That(SdpParser.Parse(offer.ToString()).Success, Is.True);

        var r = n.AcceptAnswer(Offer("m=audio 6000 RTP/AVP 8 100\r\na=rtpmap:100 telephone-event/8000\r\na=recvonly\r\n"));
        Assert.That(r.Success, Is.True, r.Error);
        Assert.That(r.Audio!.EncodingName, Is.EqualTo("PCMA"));
        Assert.That(r.Audio.TelephoneEventPayloadType, Is.EqualTo(100), "we send events with the PT the peer wants");
        Assert.That(r.Audio.LocalDirection, Is.EqualTo(MediaDirection.SendOnly));

        Assert.That(n.AcceptAnswer(Offer("m=audio 6000 RTP/AVP 8\r\n")).Error, Does.Contain("without an outstanding offer"));
    }

    [Test]
    public void Bad_answers_are_refused()
    {
        var n = Negotiator();
        n.CreateOffer();
        Assert.That(n.AcceptAnswer(Offer("m=audio 6000 RTP/AVP 8\r\nm=audio 6002 RTP/AVP 8\r\n")).Error, Does.Contain("m= lines"));
        Assert.That(n.AcceptAnswer(Offer("m=audio 0 RTP/AVP 8\r\n")).Error, Does.Contain("rejected"));
        Assert.That(n.AcceptAnswer(Offer("m=audio 6000 RTP/AVP 18\r\n")).Error, Does.Contain("unusable answer"));

        var onlyPcmu = new SdpNegotiator(new SdpNegotiatorOptions { Codecs = ["PCMU"], TelephoneEvent = false }, IPAddress.Loopback, 30000);
        onlyPcmu.CreateOffer(MediaDirection.SendOnly);
        Assert.That(onlyPcmu.AcceptAnswer(Offer("m=audio 6000 RTP/AVP 8\r\n")).Error, Does.Contain("unusable"), "PCMA was not offered");
        onlyPcmu.CreateOffer(MediaDirection.SendOnly);
        var held = onlyPcmu.AcceptAnswer(Offer("m=audio 6000 RTP/AVP 0\r\na=recvonly\r\n"));
        Assert.That(held.Audio!.LocalDirection, Is.EqualTo(MediaDirection.SendOnly));
        Assert.That(held.Audio.TelephoneEventPayloadType, Is.Null);
    }
}
