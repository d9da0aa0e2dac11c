/// <summary>The Reflector's entry point, public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
