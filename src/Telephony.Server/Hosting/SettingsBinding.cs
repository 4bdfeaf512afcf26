namespace Telephony.Server.Hosting;

/// <summary>
/// The one way the server binds a configuration section: once, at start, into a settings object that
/// is validated there and then (a bad value stops the start with the key named) and registered as a
/// singleton for whoever needs it.
/// </summary>
public static class SettingsBinding
{
    /// <summary>
    /// Binds, validates and registers <typeparamref name="T"/> from <paramref name="section"/>.
    /// <paramref name="validate"/> names each bad value as "Section:Key = value: what is allowed" (the
    /// settings types live in libraries that know no ASP.NET, so they offer a plain method for it).
    /// </summary>
    public static T AddSettings<T>(this WebApplicationBuilder builder, string section, Func<T, string, IEnumerable<string>>? validate = null) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        T settings;
        try
        {
            settings = builder.Configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException($"{section}: {e.Message}", e);
        }
        if (validate?.Invoke(settings, section).ToList() is { Count: > 0 } errors)
        {
            throw new ConfigurationException(string.Join("; ", errors));
        }
        builder.Services.AddSingleton(settings);
        return settings;
    }
}
