using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Telephony.Cases.Sms;

/// <summary>
/// Development gateway: appends each message as one JSON line to a file (and logs it) instead of
/// sending it, so a developer can see exactly what a citizen would have received.
/// </summary>
public sealed partial class FileSmsGateway : ISmsGateway
{
    private readonly string _path;
    private readonly ILogger<FileSmsGateway> _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public FileSmsGateway(string path, ILogger<FileSmsGateway> logger, TimeProvider? time = null)
    {
        _path = path ?? throw new ArgumentNullException(nameof(path));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? TimeProvider.System;
        var dir = Path.GetDirectoryName(Path.GetFullPath(_path));
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }
    }

    public async Task SendAsync(string to, string body, CancellationToken ct = default)
    {
        var line = JsonSerializer.Serialize(new { at = _time.GetUtcNow(), to, body }) + "\n";
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await File.AppendAllTextAsync(_path, line, ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
        LogSent(_logger, to, body.Length);
    }
}
