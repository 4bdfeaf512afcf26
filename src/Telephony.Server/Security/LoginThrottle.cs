using System.Net;
using Telephony.Server.Http;

namespace Telephony.Server.Security;

/// <summary>
/// Slows password guessing on two keys at once. Per user name: after <see cref="MaxFailuresPerUser"/>
/// failed logins for one name within <see cref="Window"/>, from wherever they come, that name is refused
/// until the window has passed (guessing spread over many addresses is cut off too). Per address:
/// after <see cref="MaxFailuresPerAddress"/> failures, for any names, the address is refused; that
/// limit is higher, so the many users behind one NAT are not locked out by one of them. Unknown names
/// are counted like known ones (the answer must not tell them apart). Both tables are bounded (see
/// <see cref="RecentCounts{TKey}"/>).
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailuresPerUser = 5;
    public const int MaxFailuresPerAddress = 30;
    public const int MaxTrackedAddresses = 10_000;
    public const int MaxTrackedUsers = 10_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly RecentCounts<IPAddress> _byAddress = new(time, Window, MaxTrackedAddresses);
    private readonly RecentCounts<string> _byUser = new(time, Window, MaxTrackedUsers);

    /// <summary>What a login from <paramref name="address"/> for <paramref name="user"/> is blocked by, if anything.</summary>
    public LoginBlock IsBlocked(IPAddress address, string user) =>
        _byUser.CountOf(user) >= MaxFailuresPerUser ? LoginBlock.User
        : _byAddress.CountOf(address) >= MaxFailuresPerAddress ? LoginBlock.Address
        : LoginBlock.None;

    public void RecordFailure(IPAddress address, string user)
    {
        _byAddress.Add(address);
        _byUser.Add(user);
    }

    /// <summary>The user's failures are forgotten; the address's are kept (others behind it may be guessing).</summary>
    public void RecordSuccess(string user) => _byUser.Forget(user);
}
