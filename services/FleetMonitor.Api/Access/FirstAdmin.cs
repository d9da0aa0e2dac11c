using System.Security.Cryptography;
using FleetMonitor.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FleetMonitor.Api.Access;

/// <summary>
/// At start, when the database has no user at all, makes the user "admin" with a random password and prints it once:
/// a new installation can be signed in to, and none ships with a known password.
/// </summary>
internal sealed partial class FirstAdmin(
    UserStore users, IPasswordHasher<UserRow> hasher, IOptions<AccessOptions> options, ILogger<FirstAdmin> logger) : IHostedService
{
    public const string UserName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.CreateFirstAdmin || await users.AnyAsync(cancellationToken))
        {
            return;
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
        var hash = hasher.HashPassword(new UserRow { Name = UserName, Role = AccessRoles.Admin, CreatedAt = default }, password);
        // Two replicas starting on an empty database race here; the loser made no user and prints nothing.
        if (await users.CreateAsync(UserName, hash, AccessRoles.Admin, cancellationToken))
        {
            LogFirstAdmin(logger, UserName, password);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No user existed: created {User} with the password {Password} (shown only now; sign in at /login)")]
    private static partial void LogFirstAdmin(ILogger logger, string user, string password);
}
