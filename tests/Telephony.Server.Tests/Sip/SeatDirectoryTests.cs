namespace Telephony.Server.Tests.Sip;

public sealed class SeatDirectoryTests
{
    [Test]
    public void Shipped_seats_file_has_the_60_seats_1001_to_1060()
    {
        var seats = SeatDirectory.Load(Path.Combine(AppContext.BaseDirectory, "seats.json"));
        Assert.That(seats.Extensions.Order(StringComparer.Ordinal), Is.EqualTo(Enumerable.Range(1001, 60).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.That(seats.TryGetPassword("1001", out var pw) && pw.Length >= 8, Is.True);
        Assert.That(seats.Contains("9999"), Is.False);
    }

    [TestCase("{}", "missing")]
    [TestCase("{\"seats\":[{\"extension\":\"10a\",\"password\":\"secret\"}]}", "digits")]
    [TestCase("{\"seats\":[{\"extension\":\"1001\",\"password\":\"x\"}]}", "shorter")]
    [TestCase("{\"seats\":[{\"extension\":\"1001\",\"password\":\"secret\"},{\"extension\":\"1001\",\"password\":\"secret\"}]}", "twice")]
    [TestCase("{\"seats\": [", "not a valid")]
    public void Bad_seats_files_are_reported_clearly(string json, string message)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, json);
            Assert.That(() => SeatDirectory.Load(path), Throws.InstanceOf<InvalidDataException>().With.Message.Contains(message));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
